import defaultWatchList from '../../watchlists/default.json' with { type: 'json' };
import { ConfigError } from './schema.js';

// A config may build on a shipped watch list with `"extends": "default"`: its sources are added
// after the shipped ones, and one with the id of a shipped one takes that one's place, so following
// one more standard is one line, not a copy of the defaults. The merged list is validated as one
// (duplicate ids, notify channels naming shipped sources), but a problem names the source where
// it was written: `sources[0]` of the user's file, not `sources[8]` of the merged list.

export interface WatchList {
  /** How problems in it are named. */
  file: string;
  sources: readonly unknown[];
}

export const WATCH_LISTS: Readonly<Record<string, WatchList>> = {
  default: { file: 'watchlists/default.json', sources: defaultWatchList.sources },
};

/** The shipped watch list's sources, as a config names them. */
export function defaultSources(): unknown[] {
  return structuredClone(defaultWatchList.sources);
}

/** Where a source of the merged list was written: the file and its index there. */
export interface SourceOrigin {
  file: string;
  index: number;
}

/**
 * A config object with `extends` resolved, and where each of its sources came from (undefined when
 * nothing was merged: then every source is where the file has it).
 */
export function withWatchList(
  input: unknown,
  file: string,
  lists: Readonly<Record<string, WatchList>> = WATCH_LISTS,
): { input: unknown; origins: SourceOrigin[] | undefined } {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !('extends' in input)) return { input, origins: undefined };
  const { extends: name, ...rest } = input as { extends: unknown; sources?: unknown };
  const list = typeof name === 'string' && Object.hasOwn(lists, name) ? lists[name] : undefined;
  if (list === undefined)
    throw new ConfigError([
      `${file}: extends: must be one of ${Object.keys(lists)
        .map((n) => `"${n}"`)
        .join(', ')}`,
    ]);
  if (rest.sources !== undefined && !Array.isArray(rest.sources)) return { input: rest, origins: undefined }; // the schema names it
  const own = ((rest.sources as unknown[] | undefined) ?? []).map((source, index) => ({ source, origin: { file, index } }));
  const merged = structuredClone(list.sources).map((source, index) => {
    const id = idOf(source);
    const replacing = id === undefined ? -1 : own.findIndex((o) => idOf(o.source) === id);
    // A second source of the user's with the same id stays among the appended ones: the duplicate is named.
    return replacing === -1 ? { source, origin: { file: list.file, index } } : own.splice(replacing, 1)[0]!;
  });
  merged.push(...own);
  return { input: { ...rest, sources: merged.map((m) => m.source) }, origins: merged.map((m) => m.origin) };
}

/** A source path not inside another setting (`sources[8].url`, `duplicates sources[7].id`; not `notify[0].sources[1]`). */
const SOURCE_PATH = /(?<![\w.\]])sources\[(\d+)\]/g;

/**
 * One problem of the merged config as its file has it: `ov.json: sources[0].url: …`. A problem with
 * an inherited source (which the shipped list's own tests should have caught) names the watch list.
 */
export function problemInFile(problem: string, file: string, origins: readonly SourceOrigin[] | undefined): string {
  const leading = /^sources\[(\d+)\]/.exec(problem);
  const origin = leading === null ? undefined : origins?.[Number(leading[1])];
  if (origin === undefined) return `${file}: ${problem}`;
  // Ids are unique within the watch list and a user's source replaces a shipped one of its id, so
  // every source a problem names comes from the same file as the one it is about.
  return `${origin.file}: ${problem.replace(SOURCE_PATH, (path, index: string) => {
    const named = origins?.[Number(index)];
    return named === undefined ? path : `sources[${named.index}]`;
  })}`;
}

function idOf(source: unknown): string | undefined {
  const id = typeof source === 'object' && source !== null ? (source as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}
