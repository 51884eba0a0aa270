import { loadConfig } from '../config/index.js';
import { openStore } from '../store/store.js';
import { sourceReports } from '../pipeline/source-reports.js';
import { oneOf, parseCommand } from './args.js';
import { EXIT } from './exit-codes.js';
import { formatSources } from './format-sources.js';
import { formatChannelStatuses } from './format-notify.js';
import { channelStatuses } from '../notify/channel-status.js';
import { showHelp } from './help-text.js';
import type { CliOutput } from './output.js';
import { dataDirOf, namingDatabaseProblems, openStoreForReading } from './read-store.js';
import { jsonForTerminal } from './terminal-text.js';

// `regwatch sources`: each configured source's state, from the config and the database, and each
// notification channel's pending and dead deliveries.

export async function run(args: string[], output: CliOutput): Promise<number> {
  const { values } = parseCommand('sources', args, { format: { type: 'string' } });
  if (values.help) return showHelp(output, 'sources');
  const format = oneOf('format', values.format, ['table', 'json'] as const, 'table');
  const { config } = loadConfig(values.config);
  const dataDir = dataDirOf(values.data);
  const found = await openStoreForReading(dataDir);
  // The sources are listed all the same; a mistyped --data must not pass for sources never checked.
  if (found === null) output.err(`sources: no database in ${dataDir} yet: every source shows never-checked until \`regwatch refresh\` runs\n`);
  const store = found ?? openStore(':memory:');
  try {
    const { reports, channels, unconfigured } = namingDatabaseProblems(store.path, () => ({
      reports: sourceReports(store, config),
      channels: channelStatuses(config.notify, store.deliveries.countsByChannel()),
      unconfigured: sourcesNotIn(config.sources, store.knownSources()),
    }));
    if (format === 'json') {
      output.out(`${jsonForTerminal(reports)}\n`);
      return EXIT.ok;
    }
    output.out(formatSources(reports));
    // A database filled under another config (regwatch demo, a source since removed) is not silent.
    if (unconfigured.length > 0) {
      output.out(`\nAlso in this database, not in this config: ${unconfigured.join(', ')} (run with the --config that watches them)\n`);
    }
    if (channels.length > 0) output.out(`\nNotifications (regwatch notify for the deliveries):\n${formatChannelStatuses(channels)}`);
    return EXIT.ok;
  } finally {
    store.close();
  }
}

function sourcesNotIn(configured: ReadonlyArray<{ id: string }>, known: readonly string[]): string[] {
  const ids = new Set(configured.map((source) => source.id));
  return known.filter((id) => !ids.has(id));
}
