import { existsSync } from 'node:fs';
import { readNamedFile } from '../runtime/read-at-most.js';
import { ConfigError, parseConfig, type Config } from './schema.js';
import { defaultSources, problemInFile, withWatchList, type SourceOrigin } from './watch-list.js';

// Where a config comes from: the file given, else ./regwatch.config.json when present, else the
// shipped watch list (watchlists/default.json). A config may build on the shipped list with
// `"extends": "default"` (watch-list.ts).

export const DEFAULT_CONFIG_FILE = 'regwatch.config.json';

/** A config is a few kilobytes; reading stops past this (`--config /dev/zero` once grew to 7.9 GB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * The config file given, else ./regwatch.config.json when present, else the shipped watch list.
 * A file that was asked for but is missing is an error, never a silent fallback.
 */
export function loadConfig(file: string | undefined, cwd: string = process.cwd()): { config: Config; origin: string } {
  const path = file ?? (existsSync(`${cwd}/${DEFAULT_CONFIG_FILE}`) ? `${cwd}/${DEFAULT_CONFIG_FILE}` : undefined);
  if (path === undefined) return { config: parseConfig({ sources: defaultSources() }), origin: 'built-in defaults (watchlists/default.json)' };
  const text = readConfigText(path);
  let json: unknown;
  try {
    // Editors on Windows save UTF-8 with a byte order mark, which JSON.parse refuses.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError([`${path}: is not valid JSON (${(error as Error).message})`]);
  }
  return { config: parseConfigIn(path, withWatchList(json, path)), origin: path };
}

/** Field problems name the file too, as its other problems do: ./regwatch.config.json may have been read without --config. */
function parseConfigIn(path: string, { input, origins }: { input: unknown; origins: SourceOrigin[] | undefined }): Config {
  try {
    return parseConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(error.problems.map((problem) => problemInFile(problem.replace(/^\(root\): /, ''), path, origins)));
    throw error;
  }
}

/** At most MAX_CONFIG_BYTES, whatever the path is (a device that never ends). */
function readConfigText(path: string): string {
  const problem = (reason: string) => new ConfigError([`${path}: ${reason}`]);
  return readNamedFile(path, MAX_CONFIG_BYTES, problem, 'is larger than 1 MiB; a regwatch config is a few kilobytes').toString('utf8');
}
