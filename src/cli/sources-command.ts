import { loadConfig } from '../config/index.js';
import { openStore } from '../store/store.js';
import { sourceReports } from '../pipeline/source-reports.js';
import { oneOf, parseCommand } from './args.js';
import { EXIT } from './exit-codes.js';
import { formatSources } from './format-sources.js';
import { showHelp } from './help-text.js';
import type { CliOutput } from './output.js';
import { dataDirOf, namingDatabaseProblems, openStoreForReading } from './read-store.js';
import { jsonForTerminal } from './terminal-text.js';

// `regwatch sources`: each configured source's state, from the config and the database.

export async function run(args: string[], output: CliOutput): Promise<number> {
  const { values } = parseCommand('sources', args, { format: { type: 'string' } });
  if (values.help) return showHelp(output, 'sources');
  const format = oneOf('format', values.format, ['table', 'json'] as const, 'table');
  const { config } = loadConfig(values.config);
  const store = (await openStoreForReading(dataDirOf(values.data))) ?? openStore(':memory:');
  try {
    const reports = namingDatabaseProblems(store.path, () => sourceReports(store, config));
    output.out(format === 'json' ? `${jsonForTerminal(reports)}\n` : formatSources(reports));
    return EXIT.ok;
  } finally {
    store.close();
  }
}
