import { existsSync } from 'node:fs';
import { readNamedFile, sizeText } from '../runtime/read-at-most.js';
import { KIND_IDS } from '../../watchers/index.js';
import { OperatorError } from '../model/operator-error.js';
import { oneOf, parseCommand, usage } from './args.js';
import { EXIT } from './exit-codes.js';
import { showHelp } from './help-text.js';
import { inspectTarget } from './inspect-target.js';
import type { CliOutput } from './output.js';
import { jsonForTerminal } from './terminal-text.js';

// `regwatch inspect <url-or-file>`: what a watcher extracts from one page or download.

export async function run(args: string[], output: CliOutput): Promise<number> {
  const { values, positionals } = parseCommand('inspect', args, { watcher: { type: 'string' }, url: { type: 'string' } }, 1);
  if (values.help) return showHelp(output, 'inspect');
  const target = positionals[0];
  if (target === undefined) throw usage('inspect: give a URL or a file, e.g. regwatch inspect https://www.iso.org/standard/81230.html');
  // Without --watcher: the first kind of watchers/index.ts, the one list (src/ names no kind).
  const watcher = oneOf('watcher', values.watcher, KIND_IDS, KIND_IDS[0]!);
  const isUrl = /^https?:\/\//i.test(target);
  if (!isUrl && !existsSync(target)) throw usage(`inspect: ${target}: ${notAFile(target)}`);
  if (values.url !== undefined && !/^https?:\/\//i.test(values.url)) throw usage(`inspect: --url "${values.url}" is not an http(s) URL`);
  if (values.url !== undefined && isUrl) throw usage(`inspect: --url says where a saved file came from; ${target} is fetched from where it says`);
  for (const url of [isUrl ? target : undefined, values.url]) refuseCredentials(url);
  const result = await inspectTarget(target, watcher, {
    configFile: values.config,
    readFile: async (path, maxBytes) => readInput(path, maxBytes),
    ...(values.url !== undefined ? { url: values.url } : {}),
  });
  output.out(`${jsonForTerminal(result.output)}\n`);
  for (const hint of inspectHints(result, { watcher, kindGiven: values.watcher !== undefined, savedFile: !isUrl && values.url === undefined })) {
    output.err(`regwatch inspect: ${hint}\n`);
  }
  return result.ok ? EXIT.ok : EXIT.sourcesFailed;
}

/** A file the user named: one that cannot be read (a folder, no permission) is theirs to fix. */
function readInput(path: string, maxBytes: number): Buffer {
  const problem = (reason: string) => new OperatorError('REGWATCH_INSPECT_INPUT', `inspect: ${path}: ${reason}`);
  return readNamedFile(path, maxBytes, problem, `is larger than ${sizeText(maxBytes)}, the most regwatch reads of a page of this kind`);
}

/** As in a config: a user name or password in a URL would be sent to every host it redirects to and printed. */
function refuseCredentials(url: string | undefined): void {
  if (url === undefined || !URL.canParse(url)) return;
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return;
  throw usage(`inspect: ${parsed.protocol}//…@${parsed.host}/…: a URL must not contain a user name or password (regwatch never sends or prints them)`);
}

/** What to try next, when the answer alone does not say it. */
function inspectHints(result: { ok: boolean; output: unknown }, context: { watcher: string; kindGiven: boolean; savedFile: boolean }): string[] {
  if (result.ok) {
    return Array.isArray(result.output) && result.output.length === 0
      ? [
          `no record in scope: the ${context.watcher} settings (committees, documents) come from the config's first source of that kind, else the shipped watch list`,
        ]
      : [];
  }
  // The kind and the URL matter only once a body was read: a fetch that failed would fail for any kind.
  if (fetchFailed(result.output)) return [];
  return [
    ...(context.kindGiven ? [] : [`read as ${context.watcher}, the default kind; another publisher's page needs --watcher (one of ${KIND_IDS.join(', ')})`]),
    ...(context.savedFile && READS_ID_FROM_ADDRESS.has(context.watcher)
      ? [`a saved page: ${context.watcher} reads the document's id from its address (CEN project pages, IEC history XML): give it with --url`]
      : []),
  ];
}

/** The kinds that name a saved page's document by the address it came from. */
const READS_ID_FROM_ADDRESS: ReadonlySet<string> = new Set(['cen-project', 'iec-webstore']);

/** Why a target that is no URL and no file is neither, with what was probably meant. */
function notAFile(target: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1];
  if (scheme !== undefined) return `${scheme}: is not fetched (give a file or an http(s) URL)`;
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+\//i.test(target)) return `no such file (a URL? write it with https://: https://${target})`;
  return 'no such file (give a file or an http(s) URL)';
}

function fetchFailed(output: unknown): boolean {
  const detail = (output as { detail?: unknown }).detail;
  return typeof detail === 'string' && detail.startsWith('fetch:');
}
