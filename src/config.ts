import { readFileSync, existsSync } from 'node:fs';
import { z } from 'zod';
import { licenceSchema, licenceTagSchema } from './licences.js';
import { isForbiddenHostLiteral, isPrivateHostLiteral } from './address-guard.js';

// Config is validated before anything is fetched; every bad field is named by its path
// (`config: sources[2].url: must be an https URL`).

export const WATCHER_IDS = ['iso-page', 'iso-opendata'] as const;

const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
/** Long enough for the ~60 MB Open Data dump on a slow line, short enough that a drip cannot hold a refresh. */
const DEFAULT_REQUEST_DEADLINE_SECONDS = 300;

const sourceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 characters of a-z, 0-9, _ and -'),
    watcher: z.enum(WATCHER_IDS),
    url: z.string().url('must be a URL'),
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
    contact: z.string().url('must be a URL').default('https://github.com/regwatch/regwatch'),
    userAgent: z.string().min(1).max(200).optional(),
    /** Loopback and private addresses are refused as sources unless this is true (tests, local mirrors). */
    allowPrivateNetwork: z.boolean().default(false),
    /** Minimum seconds between two requests to the same host. */
    hostIntervalSeconds: z.number().min(0).max(3600).default(5),
    /** Headers timeout, and the longest silence inside a body. */
    requestTimeoutSeconds: z.number().positive().max(600).default(DEFAULT_REQUEST_TIMEOUT_SECONDS),
    /** Wall-clock limit of one request, however steadily its body drips in; at least requestTimeoutSeconds. */
    requestDeadlineSeconds: z.number().positive().max(3600).default(DEFAULT_REQUEST_DEADLINE_SECONDS),
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
    publicUrl: z.string().url('must be a URL').default('http://127.0.0.1:8080/'),
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

export class ConfigError extends Error {
  readonly code = 'REGWATCH_CONFIG';
  constructor(readonly problems: string[]) {
    super(problems.map((p) => `config: ${p}`).join('\n'));
  }
}

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

/** Duplicate ids, source URLs that the allowPrivateNetwork setting does not allow, a deadline shorter than a timeout. */
function crossFieldProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return [];
  const { sources, allowPrivateNetwork } = input as { sources?: unknown; allowPrivateNetwork?: unknown };
  const problems = deadlineProblems(input);
  if (!Array.isArray(sources)) return problems;
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
    if (isForbiddenHostLiteral(url.hostname)) {
      problems.push(`sources[${index}].url: is a link-local or special-purpose address (never fetched, whatever allowPrivateNetwork says)`);
    } else if (allowPrivateNetwork === true) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push(`sources[${index}].url: must be an http or https URL`);
    } else if (url.protocol !== 'https:') {
      problems.push(`sources[${index}].url: must be an https URL`);
    } else if (isPrivateHostLiteral(url.hostname)) {
      problems.push(`sources[${index}].url: is a loopback or private address (set allowPrivateNetwork for a local mirror)`);
    }
  });
  return problems;
}

function deadlineProblems(input: object): string[] {
  const { requestTimeoutSeconds: timeout = DEFAULT_REQUEST_TIMEOUT_SECONDS, requestDeadlineSeconds: deadline = DEFAULT_REQUEST_DEADLINE_SECONDS } =
    input as { requestTimeoutSeconds?: unknown; requestDeadlineSeconds?: unknown };
  if (typeof timeout !== 'number' || typeof deadline !== 'number' || deadline >= timeout) return [];
  return [`requestDeadlineSeconds: must be at least requestTimeoutSeconds (${timeout}), it is ${deadline}`];
}

/**
 * The config file given, else ./regwatch.config.json when present, else the shipped defaults.
 * A file that was asked for but is missing is an error, never a silent fallback.
 */
export function loadConfig(file: string | undefined, cwd: string = process.cwd()): { config: Config; origin: string } {
  const path = file ?? (existsSync(`${cwd}/${DEFAULT_CONFIG_FILE}`) ? `${cwd}/${DEFAULT_CONFIG_FILE}` : undefined);
  if (path === undefined) return { config: parseConfig({ sources: DEFAULT_SOURCES }), origin: 'built-in defaults' };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${path}: is not valid JSON (${(error as Error).message})`]);
  }
  return { config: parseConfig(json), origin: path };
}
