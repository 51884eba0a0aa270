import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../config/index.js';
import { openRuntime } from '../runtime/open-runtime.js';
import { openStore } from '../store/store.js';
import { refresh } from '../pipeline/refresh.js';
import { OperatorError } from '../operator-error.js';
import { databasePath, dataDirHasDatabase } from '../runtime/data-dir.js';
import { databaseProblem } from '../store/database-problem.js';
import { acquireRunLock, LockBusyError } from '../store/run-lock.js';
import { formatChanges, type ChangesFormat } from './format-changes.js';
import { SEVERITY_ORDER, type Severity } from '../model/item.js';
import { sourceReports } from '../pipeline/source-reports.js';
import { formatSources } from './format-sources.js';
import { formatRefreshOutcomes } from './format-refresh.js';
import { jsonForTerminal } from './terminal-text.js';
import { inspect } from './inspect-target.js';
import { KIND_IDS } from '../../watchers/index.js';
import { VERSION } from '../runtime/version.js';
import { PublishError } from '../publish/index.js';

// `regwatch <command>`. Exit codes are part of the interface: scripts rely on them.
export const EXIT = {
  ok: 0,
  /** An unexpected internal error (a bug: please report it). */
  internal: 1,
  /** Bad command line, config, data folder or database (an OperatorError): nothing was fetched. */
  usage: 2,
  /** The run completed but at least one source could not be checked (unreadable, extraction failed). */
  sourcesFailed: 3,
  /** Another refresh holds the lock. */
  busy: 4,
} as const;

const HELP = `regwatch ${VERSION}: watches the ISO/IEC 42001 family's catalogue metadata and publishes
a "recent changes" feed (RSS, Atom, JSON Feed, changes.json) with provenance and licence.

Usage: regwatch <command> [options]

Commands:
  refresh            check every watched source once, store what changed, publish the feeds
  changes            print the recent changes (Date | Severity | What changed)
  sources            print each source's state, last good check and last change
  inspect <url|file> print what a watcher extracts from a page, as JSON; stores nothing
  serve              serve the feeds over HTTP and refresh on a schedule
  help [command]     this help, or one command's

Common options:
  --config <file>    config file (default ./regwatch.config.json when present, else built-in defaults:
                     ISO/IEC 42001, 42005, 42006, 23894 on iso.org, and ISO Open Data for all of
                     ISO/IEC JTC 1/SC 42 and those four documents' families)
  --data <dir>       database and published feeds (default ./data; feeds go to <dir>/public)
  -h, --help         help;  -v, --version  the version

Exit codes: 0 ok; 1 internal error; 2 bad usage, config, data folder or database (nothing fetched);
            3 some source could not be checked (see the verdicts); 4 another refresh is running.

Examples:
  regwatch refresh
  regwatch changes --min-severity major --format markdown
  regwatch inspect https://www.iso.org/standard/81230.html
`;

const COMMAND_HELP: Record<string, string> = {
  refresh: `regwatch refresh [--config f] [--data d] [--source id ...] [--wait-lock seconds] [--quiet]

Checks each source once: fetch, extract, validate, diff against the stored baseline, classify,
store (one transaction per source), then regenerates the feeds in <data>/public. Prints one line per
source: id, verdict (changed | unchanged | unreadable | extraction-failed) and what changed.
A source that cannot be read is reported, never published as a change.
  --source id        check only this source (repeatable)
  --wait-lock s      wait this long for a running refresh to finish (default 10), then exit 4
  --quiet            no progress lines on stderr
Exit: 0 all sources checked; 3 at least one could not be; 2 bad config; 4 busy.`,
  changes: `regwatch changes [--source id] [--last N] [--min-severity s] [--format table|markdown|json] [--data d]

Prints the recorded changes, newest first. --min-severity is one of ${SEVERITY_ORDER.join(', ')}
(in that order: "major" shows critical and major; "info" hides only first observations; "baseline"
shows everything). --format markdown prints the "Recent Changes" table a reference page pastes in.
  --last N           at most N items (default 20; 1 to 1000000)
  --source id        only the items this source reported (exit 2 if the database knows no such source)`,
  sources: `regwatch sources [--format table|json] [--config f] [--data d]

Prints each source's state (ok, degraded, never-checked), last verdict, last good check and last change.`,
  inspect: `regwatch inspect <url-or-file> [--watcher kind] [--config f]

Runs a watcher on one page (fetched politely, or read from a file) and prints the extracted record(s)
as JSON. Stores nothing and publishes nothing: use it to check what regwatch sees on a page.`,
  serve: `regwatch serve [--port 8080] [--host 127.0.0.1] [--schedule "0 6 * * *"] [--timezone UTC] [--config f] [--data d]

Serves the published feeds and refreshes on a cron schedule.`,
};

function usage(message: string): OperatorError {
  return new OperatorError('REGWATCH_USAGE', message);
}

const COMMON = {
  config: { type: 'string' },
  data: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function parse<T extends ParseArgsConfig['options']>(command: string, args: string[], options: T, positionals = 0) {
  try {
    const parsed = parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length > positionals) throw usage(`${command}: unexpected argument "${parsed.positionals[positionals]}"`);
    return parsed;
  } catch (error) {
    if (error instanceof OperatorError) throw error;
    throw usage(`${command}: ${(error as Error).message}`);
  }
}

/** Digits only, within [min, max]: `1e300`, `2.5` and `-1` are refused, not rounded or overflowed. */
function wholeNumber(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw usage(`--${name}: "${value}" is not a whole number from ${min} to ${max}`);
  return n;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw usage(`--${name}: "${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}

/** Runs `use` on the database at `path`, naming the file when it turns out damaged or unusable. */
function namingDatabaseProblems<T>(path: string, use: () => T): T {
  try {
    return use();
  } catch (error) {
    throw databaseProblem(error, path) ?? error;
  }
}

async function runRefresh(args: string[]): Promise<number> {
  const { values } = parse('refresh', args, {
    source: { type: 'string', multiple: true },
    'wait-lock': { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (values.help) return help('refresh');
  const waitSeconds = wholeNumber('wait-lock', values['wait-lock'], 10, 0, 86_400);
  const runtime = openRuntime({ configFile: values.config, dataDir: values.data });
  let lock;
  try {
    lock = await acquireRunLock(runtime.store.db, waitSeconds * 1000);
  } catch (error) {
    await runtime.close();
    throw databaseProblem(error, runtime.store.path) ?? error;
  }
  const progress = values.quiet ? undefined : (line: string) => process.stderr.write(`${line}\n`);
  try {
    progress?.(`regwatch ${VERSION}: ${runtime.config.sources.length} source(s) from ${runtime.configOrigin}; data in ${runtime.dataDir}`);
    const result = await refresh(
      { config: runtime.config, store: runtime.store, fetcher: runtime.fetcher, now: runtime.now, dataDir: runtime.dataDir, site: runtime.site, progress },
      { trigger: 'cli', only: values.source },
    );
    process.stdout.write(formatRefreshOutcomes(result.outcomes));
    progress?.(`${result.itemsCreated} new item(s); feeds in ${join(runtime.dataDir, 'public')} (${result.published.written.length} file(s) rewritten)`);
    if (result.outcomes.some((o) => o.verdict === 'internal')) return EXIT.internal;
    return result.outcomes.some((o) => o.verdict === 'unreadable' || o.verdict === 'extraction-failed') ? EXIT.sourcesFailed : EXIT.ok;
  } catch (error) {
    throw databaseProblem(error, runtime.store.path) ?? error;
  } finally {
    lock.release();
    await runtime.close();
  }
}

/** Read-only: reading must work on a database (and folder) this user cannot write. */
function openExistingStore(dataDir: string | undefined) {
  const dir = resolve(dataDir ?? 'data');
  if (!dataDirHasDatabase(dir)) return null;
  return openStore(databasePath(dir), { readonly: true });
}

async function runChanges(args: string[]): Promise<number> {
  const { values } = parse('changes', args, {
    source: { type: 'string' },
    last: { type: 'string' },
    'min-severity': { type: 'string' },
    format: { type: 'string' },
  });
  if (values.help) return help('changes');
  const last = wholeNumber('last', values.last, 20, 1, 1_000_000);
  const minSeverity = values['min-severity'] === undefined ? undefined : oneOf<Severity>('min-severity', values['min-severity'], SEVERITY_ORDER, 'baseline');
  const format = oneOf<ChangesFormat>('format', values.format, ['table', 'markdown', 'json'], 'table');
  const store = openExistingStore(values.data);
  if (store === null) {
    process.stderr.write(`changes: no database in ${resolve(values.data ?? 'data')} yet: run \`regwatch refresh\` first\n`);
    process.stdout.write(formatChanges([], format));
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
    process.stdout.write(formatChanges(items, format));
    return EXIT.ok;
  } finally {
    store.close();
  }
}

async function runSources(args: string[]): Promise<number> {
  const { values } = parse('sources', args, { format: { type: 'string' } });
  if (values.help) return help('sources');
  const format = oneOf('format', values.format, ['table', 'json'] as const, 'table');
  const { config } = loadConfig(values.config);
  const store = openExistingStore(values.data) ?? openStore(':memory:');
  try {
    const reports = namingDatabaseProblems(store.path, () => sourceReports(store, config));
    process.stdout.write(format === 'json' ? `${jsonForTerminal(reports)}\n` : formatSources(reports));
    return EXIT.ok;
  } finally {
    store.close();
  }
}

async function runInspect(args: string[]): Promise<number> {
  const { values, positionals } = parse('inspect', args, { watcher: { type: 'string' } }, 1);
  if (values.help) return help('inspect');
  const target = positionals[0];
  if (target === undefined) throw usage('inspect: give a URL or a file, e.g. regwatch inspect https://www.iso.org/standard/81230.html');
  const watcher = oneOf('watcher', values.watcher, KIND_IDS, 'iso-page');
  const isUrl = /^https?:\/\//i.test(target);
  if (!isUrl && !existsSync(target)) throw usage(`inspect: ${target}: no such file (give a file or an http(s) URL)`);
  const result = await inspect(target, watcher, { configFile: values.config, readFile: (p) => readFile(p) });
  process.stdout.write(`${jsonForTerminal(result.output)}\n`);
  return result.ok ? EXIT.ok : EXIT.sourcesFailed;
}

async function runServe(args: string[]): Promise<number> {
  const { values } = parse('serve', args, {
    port: { type: 'string' },
    host: { type: 'string' },
    schedule: { type: 'string' },
    timezone: { type: 'string' },
  });
  if (values.help) return help('serve');
  const { serveCommand } = await import('./serve-command.js');
  return serveCommand({
    configFile: values.config,
    dataDir: values.data,
    port: wholeNumber('port', values.port, 8080, 0, 65_535),
    host: values.host ?? '127.0.0.1',
    schedule: values.schedule ?? '0 6 * * *',
    timezone: values.timezone ?? 'UTC',
  });
}

function help(command?: string): number {
  process.stdout.write(command !== undefined && COMMAND_HELP[command] ? `${COMMAND_HELP[command]}\n` : HELP);
  return EXIT.ok;
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  refresh: runRefresh,
  changes: runChanges,
  sources: runSources,
  inspect: runInspect,
  serve: runServe,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help') return help();
  if (command === 'help') return help(rest[0]);
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const run = COMMANDS[command];
  try {
    if (run === undefined) throw usage(`unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(', ')}; see regwatch --help)`);
    return await run(rest);
  } catch (error) {
    if (error instanceof OperatorError) {
      // Config problems are one `config: <path>: …` line each, as the config's own messages read.
      process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `regwatch: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof LockBusyError) {
      process.stderr.write(`regwatch: ${error.message}\n`);
      return EXIT.busy;
    }
    if (error instanceof PublishError) {
      // Items are committed; the next refresh publishes them once the cause is fixed.
      process.stderr.write(`regwatch: ${error.message} (nothing was published; the changes are stored)\n`);
      return EXIT.internal;
    }
    process.stderr.write(`regwatch: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.internal;
  }
}
