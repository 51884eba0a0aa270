import { chmod, realpath, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { loadConfig } from '../config/index.js';
import type { Item, Severity } from '../model/item.js';
import { SEVERITY_ORDER } from '../model/severity.js';
import { OperatorError } from '../model/operator-error.js';
import { updatePage, type Vocabulary } from '../page/index.js';
import { sourceReports } from '../pipeline/source-reports.js';
import { writeFileAtomicallyIfChanged } from '../publish/atomic-write.js';
import type { Store } from '../store/store.js';
import { oneOf, parseCommand, usage, wholeNumber } from './args.js';
import { EXIT } from './exit-codes.js';
import { showHelp } from './help-text.js';
import type { CliOutput } from './output.js';
import { dataDirOf, namingDatabaseProblems, openStoreForReading } from './read-store.js';
import { readNamedFile, sizeText, whyUnreadable } from '../runtime/read-at-most.js';

// `regwatch page <file.md> --source id`: rewrites a reference page's two regwatch blocks from the
// database (src/page), replacing the file atomically and only when a block changed. The exit code
// says which (0 unchanged, 6 rewritten), so a scheduled job commits the page only when it moved.

/** A reference page is text: past this it is not one (a device, a stray binary), and is refused before it fills memory. */
const MAX_PAGE_BYTES = 10 * 1024 * 1024;

export async function run(args: string[], output: CliOutput): Promise<number> {
  const { values, positionals } = parseCommand(
    'page',
    args,
    {
      source: { type: 'string' },
      last: { type: 'string' },
      vocabulary: { type: 'string' },
      'min-severity': { type: 'string' },
    },
    1,
  );
  if (values.help) return showHelp(output, 'page');
  const file = positionals[0];
  if (file === undefined) throw usage('page: which page? regwatch page <file.md> --source id');
  const sourceId = values.source;
  if (sourceId === undefined) throw usage('page: --source id is needed: the source the page is about');
  const last = wholeNumber('last', values.last, 5, 1, 1000);
  const vocabulary = oneOf<Vocabulary>('vocabulary', values.vocabulary, ['regwatch', 'reference'], 'regwatch');
  const minSeverity = values['min-severity'] === undefined ? undefined : oneOf<Severity>('min-severity', values['min-severity'], SEVERITY_ORDER, 'baseline');
  const { config } = loadConfig(values.config);
  if (!config.sources.some((s) => s.id === sourceId)) {
    throw usage(`page: --source ${sourceId}: no such source in the config (sources: ${config.sources.map((s) => s.id).join(', ')})`);
  }

  const path = await realpath(file).catch((error: NodeJS.ErrnoException) => {
    throw new OperatorError('REGWATCH_PAGE_FILE', `page: ${file}: ${whyUnreadable(error)}`);
  });
  const problem = (reason: string) => new OperatorError('REGWATCH_PAGE_FILE', `page: ${file}: ${reason}`);
  const bytes = readNamedFile(path, MAX_PAGE_BYTES, problem, `is larger than ${sizeText(MAX_PAGE_BYTES)}; a reference page is text`);
  const text = bytes.toString('utf8');
  // A page in another encoding would come back with its bytes replaced: refused instead.
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new OperatorError('REGWATCH_PAGE_FILE', `page: ${file}: is not UTF-8 text`);

  const dataDir = dataDirOf(values.data);
  const store = await openStoreForReading(dataDir);
  if (store === null)
    throw new OperatorError('REGWATCH_DATA_DIR', `page: no database in ${dataDir} yet: run regwatch refresh first (the page was not changed)`);
  let page: { text: string; changed: boolean };
  try {
    page = namingDatabaseProblems(store.path, () => {
      const report = sourceReports(store, config).find((r) => r.id === sourceId)!;
      const items = tableItems(store, sourceId, minSeverity, last);
      return updatePage(text, { items, source: report, last, vocabulary, ...(minSeverity !== undefined ? { minSeverity } : {}) });
    });
  } finally {
    store.close();
  }
  if (!page.changed) {
    output.err(`page: ${file}: up to date, not written\n`);
    return EXIT.ok;
  }
  const { mode } = await stat(path);
  await writeFileAtomicallyIfChanged(dirname(path), basename(path), page.text);
  await chmod(path, mode & 0o7777);
  output.err(`page: ${file}: rewritten\n`);
  return EXIT.pageChanged;
}

/** The newest items the table can show: `last` of them after source-health items are left out. */
function tableItems(store: Store, source: string, minSeverity: Severity | undefined, last: number): Item[] {
  const items: Item[] = [];
  let before: number | undefined;
  for (;;) {
    const page = store.items({ source, ...(minSeverity ? { minSeverity } : {}), ...(before !== undefined ? { before } : {}), limit: 100 });
    items.push(...page.items.filter((item) => item.event !== 'source-health'));
    if (items.length >= last || page.nextCursor === null) return items;
    before = page.nextCursor;
  }
}
