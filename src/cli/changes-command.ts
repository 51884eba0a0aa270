import { existsSync } from 'node:fs';
import { SEVERITY_ORDER, type Severity } from '../model/severity.js';
import { oneOf, parseCommand, usage, wholeNumber } from './args.js';
import { EXIT } from './exit-codes.js';
import { CHANGES_FORMATS, formatChanges, type ChangesFormat } from './format-changes.js';
import { showHelp } from './help-text.js';
import type { CliOutput } from './output.js';
import { dataDirOf, namingDatabaseProblems, openStoreForReading } from './read-store.js';

// `regwatch changes`: the recorded changes, newest first, from the database alone (no config, no
// network).

export async function run(args: string[], output: CliOutput): Promise<number> {
  const { values } = parseCommand('changes', args, {
    source: { type: 'string' },
    last: { type: 'string' },
    'min-severity': { type: 'string' },
    format: { type: 'string' },
  });
  if (values.help) return showHelp(output, 'changes');
  const last = wholeNumber('last', values.last, 20, 1, 1_000_000);
  const minSeverity = values['min-severity'] === undefined ? undefined : oneOf<Severity>('min-severity', values['min-severity'], SEVERITY_ORDER, 'baseline');
  const format = oneOf<ChangesFormat>('format', values.format, CHANGES_FORMATS, 'table');
  // changes reads the database alone; a --config that names no file is still a mistake to say.
  if (values.config !== undefined && !existsSync(values.config)) throw usage(`changes: --config ${values.config}: no such file`);
  const dataDir = dataDirOf(values.data);
  const store = await openStoreForReading(dataDir);
  if (store === null) {
    output.err(`changes: no database in ${dataDir} yet: run \`regwatch refresh\` first\n`);
    output.out(formatChanges([], format));
    return EXIT.ok;
  }
  try {
    const items = namingDatabaseProblems(store.path, () => {
      const known = store.knownSources();
      if (values.source !== undefined && !known.includes(values.source)) {
        throw usage(`changes: --source ${values.source}: no such source in ${store.path} (sources: ${known.join(', ') || 'none yet'})`);
      }
      return store.items({ ...(values.source ? { source: values.source } : {}), ...(minSeverity ? { minSeverity } : {}), limit: last }).items;
    });
    output.out(formatChanges(items, format, minSeverity));
    return EXIT.ok;
  } finally {
    store.close();
  }
}
