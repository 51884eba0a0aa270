import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { z } from 'zod';
import { OperatorError } from './operator-error.js';
import { licenceSchema, licenceTagSchema } from './licences.js';
import { isPrivateHostLiteral } from './address-guard.js';

// Config is validated before anything is fetched; every bad field is named by its path
// (`config: sources[2].url: must be an https URL`).

export const WATCHER_IDS = ['iso-page', 'iso-opendata'] as const;

/** A user name or password in a URL would be published in every feed (or sent to every host). */
const withoutUserInfo = (schema: z.ZodString) =>
  schema.refine((value) => !URL.canParse(value) || (new URL(value).username === '' && new URL(value).password === ''), {
    message: 'must not contain a user name or password (it would be published in every feed)',
  });

const sourceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 characters of a-z, 0-9, _ and -'),
    watcher: z.enum(WATCHER_IDS),
    url: withoutUserInfo(z.string().url('must be a URL')),
    /** A licence tag, or a whole licence, overriding the watcher's. */
    licence: z.union([licenceTagSchema, licenceSchema]).optional(),
    /** A requirements standard (used for certification): some events rank higher (spec/severity.md). */
    requirements: z.boolean().default(false),
    /** iso-opendata: committees whose every row is watched. */
    committees: z.array(z.string().min(1).max(80)).optional(),
    /** iso-opendata: numeric ids of followed documents (their families are followed too). */
    documents: z.array(z.number().int().positive()).optional(),
    /** iso-opendata: ids of followed documents that are requirements standards. */
    requirementsDocuments: z.array(z.number().int().positive()).optional(),
  })
  .strict();
export type SourceConfig = z.infer<typeof sourceSchema>;

export const configSchema = z
  .object({
    sources: z.array(sourceSchema).min(1, 'must list at least one source'),
    /** Sent as the User-Agent's comment: who to contact about this crawler. */
    contact: withoutUserInfo(z.string().url('must be a URL')).default('https://github.com/regwatch/regwatch'),
    userAgent: z.string().min(1).max(200).optional(),
    /** Loopback and private addresses are refused as sources unless this is true (tests, local mirrors). */
    allowPrivateNetwork: z.boolean().default(false),
    /** Minimum seconds between two requests to the same host. */
    hostIntervalSeconds: z.number().min(0).max(3600).default(5),
    requestTimeoutSeconds: z.number().min(1, 'must be at least 1 (seconds)').max(600).default(30),
    /** Wall-clock limit of one source's fetch, whatever the server does (a body dripped byte by byte). */
    sourceBudgetSeconds: z
      .number({ message: 'must be a number of seconds (above 0, at most 86400)' })
      .positive('must be a number of seconds (above 0, at most 86400)')
      .max(86_400, 'must be a number of seconds (above 0, at most 86400)')
      .default(600),
    /** Consecutive failed checks before a source is published as degraded. */
    degradedAfter: z.number().int().min(1).max(100).default(3),
    /** Enables POST /refresh on `regwatch serve` when set. */
    refreshToken: z.string().min(16, 'must be at least 16 characters').optional(),
    manualRefreshIntervalSeconds: z.number().min(0).max(86_400).default(60),
    /** Items in each feed (RSS, Atom, JSON Feed). */
    feedItems: z.number().int().min(1).max(10_000).default(100),
    /** Items in the published changes.json (`regwatch changes` and /changes.json page through all). */
    changelogItems: z.number().int().min(1).max(100_000).default(1000),
    /** Public base URL of the published feeds (links, feed ids). */
    publicUrl: withoutUserInfo(z.string().url('must be a URL')).default('http://127.0.0.1:8080/'),
  })
  .strict();
export type Config = z.infer<typeof configSchema>;

export const DEFAULT_CONFIG_FILE = 'regwatch.config.json';

/** ISO Open Data: SC 42 and the four followed documents (issue 3); 42001 and 42006 are requirements standards. */
export const DEFAULT_CATALOGUE = {
  url: 'https://isopublicstorageprod.blob.core.windows.net/opendata/_latest/iso_deliverables_metadata/json/iso_deliverables_metadata.jsonl',
  committees: ['ISO/IEC JTC 1/SC 42'],
  documents: [81230, 44545, 44546, 77304],
  requirementsDocuments: [81230, 44546],
};

export const DEFAULT_SOURCES: z.input<typeof sourceSchema>[] = [
  { id: 'iso_42001', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html', requirements: true },
  { id: 'iso_42005', watcher: 'iso-page', url: 'https://www.iso.org/standard/44545.html' },
  { id: 'iso_42006', watcher: 'iso-page', url: 'https://www.iso.org/standard/44546.html', requirements: true },
  { id: 'iso_23894', watcher: 'iso-page', url: 'https://www.iso.org/standard/77304.html' },
  // The backbone: ISO's own machine-readable catalogue, robust to iso.org redesigns and 403s.
  { id: 'iso_catalogue', watcher: 'iso-opendata', ...DEFAULT_CATALOGUE },
];

export class ConfigError extends OperatorError {
  constructor(readonly problems: string[]) {
    super('REGWATCH_CONFIG', problems.map((p) => `config: ${p}`).join('\n'));
  }
}

/** A config is a few kilobytes; reading stops past this (`--config /dev/zero` once grew to 7.9 GB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** `sources[2].url` from zod's path array. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(root)';
}

export function parseConfig(input: unknown): Config {
  const result = configSchema.safeParse(input);
  // Checks across fields run on the raw input too, so one run names every bad field at once.
  const problems = [
    ...(result.success ? [] : result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`)),
    ...crossFieldProblems(input),
  ];
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

/** Duplicate ids, and source URLs that the allowPrivateNetwork setting does not allow. */
function crossFieldProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return [];
  const { sources, allowPrivateNetwork } = input as { sources?: unknown; allowPrivateNetwork?: unknown };
  if (!Array.isArray(sources)) return [];
  const problems: string[] = [];
  const seen = new Map<unknown, number>();
  sources.forEach((source: unknown, index) => {
    if (typeof source !== 'object' || source === null) return;
    const { id, url: rawUrl, watcher, committees, documents } = source as { id?: unknown; url?: unknown; watcher?: unknown; committees?: unknown; documents?: unknown };
    const listed = (value: unknown) => Array.isArray(value) && value.length > 0;
    if (watcher === 'iso-opendata' && !listed(committees) && !listed(documents)) {
      problems.push(`sources[${index}]: an iso-opendata source needs committees or documents to watch`);
    }
    if (watcher === 'iso-page' && (committees !== undefined || documents !== undefined)) {
      problems.push(`sources[${index}]: committees and documents are for iso-opendata sources; an iso-page source watches its own page`);
    }
    const first = seen.get(id);
    if (typeof id === 'string' && first !== undefined) problems.push(`sources[${index}].id: duplicates sources[${first}].id "${id}"`);
    if (typeof id === 'string' && first === undefined) seen.set(id, index);
    if (typeof rawUrl !== 'string' || !URL.canParse(rawUrl)) return; // reported by the schema
    const url = new URL(rawUrl);
    if (allowPrivateNetwork === true) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push(`sources[${index}].url: must be an http or https URL`);
    } else if (url.protocol !== 'https:') {
      problems.push(`sources[${index}].url: must be an https URL`);
    } else if (isPrivateHostLiteral(url.hostname)) {
      problems.push(`sources[${index}].url: is a loopback or private address (set allowPrivateNetwork for a local mirror)`);
    }
  });
  return problems;
}

/**
 * The config file given, else ./regwatch.config.json when present, else the shipped defaults.
 * A file that was asked for but is missing is an error, never a silent fallback.
 */
export function loadConfig(file: string | undefined, cwd: string = process.cwd()): { config: Config; origin: string } {
  const path = file ?? (existsSync(`${cwd}/${DEFAULT_CONFIG_FILE}`) ? `${cwd}/${DEFAULT_CONFIG_FILE}` : undefined);
  if (path === undefined) return { config: parseConfig({ sources: DEFAULT_SOURCES }), origin: 'built-in defaults' };
  const text = readConfigText(path);
  let json: unknown;
  try {
    // Editors on Windows save UTF-8 with a byte order mark, which JSON.parse refuses.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError([`${path}: is not valid JSON (${(error as Error).message})`]);
  }
  return { config: parseConfig(json), origin: path };
}

/** At most MAX_CONFIG_BYTES, whatever the path is (a device that never ends). */
function readConfigText(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new ConfigError([`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  try {
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
      if (length > MAX_CONFIG_BYTES) throw new ConfigError([`${path}: is larger than 1 MiB; a regwatch config is a few kilobytes`]);
    }
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  } finally {
    closeSync(fd);
  }
}
