import * as z from 'zod';
import { KINDS, KIND_IDS, kindOf, type AnyKind } from '../../watchers/index.js';
import { licenceSchema, licenceTagSchema } from '../model/licence.js';
import { documentKeySchema } from '../model/record.js';
import { OperatorError } from '../model/operator-error.js';
import { isForbiddenHostLiteral } from '../fetch/address-guard.js';
import { notifyConfigProblems, notifyListSchema, targetUrlProblem } from '../notify/channel-config.js';
import { DEFAULT_MAX_ATTEMPTS } from '../notify/retry-policy.js';
import { CONFIG_PARSE, formatPath, issueLines } from './issue-text.js';

// Config is validated before anything is fetched; every bad field is named by its path
// (`config: sources[2].url: must be an https URL`). A source's own settings (`committees`,
// `documents`, …) are its kind's: each kind declares them (watchers/<kind>), so this file names none.

/** A user name or password in a URL would be published in every feed (or sent to every host). */
const withoutUserInfo = (schema: z.ZodString) =>
  schema.refine((value) => !URL.canParse(value) || (new URL(value).username === '' && new URL(value).password === ''), {
    message: 'must not contain a user name or password (it would be published in every feed)',
  });

const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
/** Long enough for the ~60 MB Open Data dump on a slow line, short enough that a drip cannot hold a refresh. */
const DEFAULT_REQUEST_DEADLINE_SECONDS = 300;

/** What every source has, whatever its kind. */
const sourceBaseSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 characters of a-z, 0-9, _ and -'),
    watcher: z.string().refine((id) => KIND_IDS.includes(id), { message: `must be one of ${KIND_IDS.join(', ')}` }),
    url: withoutUserInfo(z.string().url('must be a URL')),
    /** A licence tag, or a whole licence, overriding the kind's. */
    licence: z.union([licenceTagSchema, licenceSchema]).optional(),
    /** A requirements standard (used for certification): some events rank higher (spec/severity.md). */
    requirements: z.boolean().default(false),
    /** The same document as another source's (a joint ISO/IEC standard on IEC's webstore): one item per change. */
    sameAs: documentKeySchema.optional(),
  })
  .strict();
const BASE_KEYS = new Set(Object.keys(sourceBaseSchema.shape));
/** The config keys a kind's own settings take (none when its options are not an object schema). */
const settingKeys = (kind: AnyKind): string[] => ('shape' in kind.options ? Object.keys((kind.options as z.ZodObject).shape) : []);
const ANY_KIND_KEYS = new Set(KINDS.flatMap(settingKeys));

export type SourceConfig = z.infer<typeof sourceBaseSchema> & {
  /** The kind's own settings, validated by its `options` schema. */
  options: Record<string, unknown>;
};

const settingsSchema = z
  .object({
    /** Sent as the User-Agent's comment: who to contact about this crawler. */
    contact: withoutUserInfo(z.string().url('must be a URL')).default('https://github.com/regwatch/regwatch'),
    userAgent: z.string().min(1).max(200).optional(),
    /** Loopback and private addresses are refused as sources unless this is true (tests, local mirrors). */
    allowPrivateNetwork: z.boolean().default(false),
    /** Minimum seconds between two requests to the same host. */
    hostIntervalSeconds: z.number().min(0).max(3600).default(5),
    /** Headers timeout, and the longest silence inside a body. */
    requestTimeoutSeconds: z.number().min(1, 'must be at least 1 (seconds)').max(600).default(DEFAULT_REQUEST_TIMEOUT_SECONDS),
    /** Wall-clock limit of one request, however steadily its body drips in; at least requestTimeoutSeconds. */
    requestDeadlineSeconds: z.number().positive().max(3600).default(DEFAULT_REQUEST_DEADLINE_SECONDS),
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
    /** The feeds' and the page's title and description: a watch list of other documents names its own. */
    feedTitle: z.string().trim().min(1).max(200).default('regwatch: ISO/IEC 42001 family, recent changes'),
    feedDescription: z
      .string()
      .trim()
      .min(1)
      .max(1000)
      .default('Life-cycle changes of ISO/IEC 42001 and related standards (ISO/IEC JTC 1/SC 42), with provenance and licence of every fact.'),
    /** Public base URL of the published feeds (links, feed ids). */
    publicUrl: withoutUserInfo(z.string().url('must be a URL')).default('http://127.0.0.1:8080/'),
    /** Channels that are told of new items (webhook, Slack, Teams, email): src/notify/channel-config.ts. */
    notify: notifyListSchema,
    /** Failed attempts after which a delivery is given up (dead); `regwatch notify --retry-dead` requeues it. */
    notifyMaxAttempts: z.number().int().min(1).max(100).default(DEFAULT_MAX_ATTEMPTS),
    /** A WebSub hub: RSS and Atom name it (rel=hub), and every publish that changed a feed pings it. */
    websubHub: withoutUserInfo(z.string().url('must be a URL')).optional(),
  })
  .strict();

const configShape = settingsSchema.extend({
  sources: z.array(z.unknown()).min(1, 'must list at least one source'),
});

export type Config = z.infer<typeof settingsSchema> & { sources: SourceConfig[] };

export class ConfigError extends OperatorError {
  constructor(readonly problems: string[]) {
    super('REGWATCH_CONFIG', problems.map((p) => `config: ${p}`).join('\n'));
  }
}

export function parseConfig(input: unknown): Config {
  const result = configShape.safeParse(input, CONFIG_PARSE);
  const problems = result.success ? [] : issueLines([], result.error.issues);
  const sources: SourceConfig[] = [];
  const rawSources =
    typeof input === 'object' && input !== null && Array.isArray((input as { sources?: unknown }).sources) ? (input as { sources: unknown[] }).sources : [];
  rawSources.forEach((raw, index) => {
    const parsed = parseSource(raw, index);
    if (typeof parsed === 'string' || Array.isArray(parsed)) problems.push(...[parsed].flat());
    else sources.push(parsed);
  });
  // Checks across fields run on the raw input too, so one run names every bad field at once.
  problems.push(...crossFieldProblems(input));
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const { sources: _raw, ...settings } = result.data;
  return { ...settings, sources };
}

/**
 * One source: the fields every source has, then its kind's own settings. Both are checked whenever
 * the kind is known, so a bad URL does not hide an unknown key beside it.
 */
function parseSource(raw: unknown, index: number): SourceConfig | string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [`sources[${index}]: must be an object`];
  const entries = Object.entries(raw as Record<string, unknown>);
  const base = sourceBaseSchema.safeParse(Object.fromEntries(entries.filter(([key]) => BASE_KEYS.has(key))), CONFIG_PARSE);
  const problems = base.success ? [] : issueLines(['sources', index], base.error.issues);
  const watcher = (raw as { watcher?: unknown }).watcher;
  if (typeof watcher !== 'string' || !KIND_IDS.includes(watcher)) {
    // The base schema names the watcher; a key no kind has is wrong whatever the watcher was meant to be.
    const unknown = entries.filter(([key]) => !BASE_KEYS.has(key) && !ANY_KIND_KEYS.has(key));
    return [...problems, ...unknown.map(([key]) => `${formatPath(['sources', index, key])}: is not a setting of any kind of source`)];
  }
  const kind = kindOf(watcher);
  const options = kind.options.safeParse(Object.fromEntries(entries.filter(([key]) => !BASE_KEYS.has(key))), CONFIG_PARSE);
  if (!options.success) {
    const settings = settingKeys(kind);
    problems.push(
      ...options.error.issues.flatMap((issue) =>
        issue.code === 'unrecognized_keys'
          ? issue.keys.map(
              (key) => `${formatPath(['sources', index, key])}: is not a setting of an ${kind.id} source (its own settings: ${settings.join(', ') || 'none'})`,
            )
          : issueLines(['sources', index], [issue]),
      ),
    );
  }
  if (base.success && base.data.sameAs !== undefined && kind.reports !== 'one-document') {
    problems.push(`sources[${index}].sameAs: only a source of one document can be the same as another's (a ${kind.id} source reports many)`);
  }
  if (!base.success || !options.success || problems.length > 0) return problems;
  return { ...base.data, options: options.data as Record<string, unknown> };
}

/** Duplicate ids, source and notify URLs that the allowPrivateNetwork setting does not allow, a deadline shorter than a timeout. */
function crossFieldProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return [];
  const { sources, allowPrivateNetwork, notify, websubHub } = input as {
    sources?: unknown;
    allowPrivateNetwork?: unknown;
    notify?: unknown;
    websubHub?: unknown;
  };
  const problems = deadlineProblems(input);
  const sourceIds = Array.isArray(sources)
    ? sources.flatMap((s: unknown) => (typeof (s as { id?: unknown } | null)?.id === 'string' ? [(s as { id: string }).id] : []))
    : [];
  problems.push(...notifyConfigProblems(notify, { allowPrivateNetwork: allowPrivateNetwork === true, sourceIds }));
  if (typeof websubHub === 'string' && URL.canParse(websubHub)) {
    const problem = targetUrlProblem(websubHub, allowPrivateNetwork === true);
    if (problem !== undefined) problems.push(`websubHub: ${problem}`);
  }
  if (!Array.isArray(sources)) return problems;
  const seen = new Map<unknown, number>();
  sources.forEach((source: unknown, index) => {
    if (typeof source !== 'object' || source === null) return;
    const { id, url: rawUrl } = source as { id?: unknown; url?: unknown };
    const first = seen.get(id);
    if (typeof id === 'string' && first !== undefined) problems.push(`sources[${index}].id: duplicates sources[${first}].id "${id}"`);
    if (typeof id === 'string' && first === undefined) seen.set(id, index);
    if (typeof rawUrl !== 'string' || !URL.canParse(rawUrl)) return; // reported by the schema
    const url = new URL(rawUrl);
    if (isForbiddenHostLiteral(url.hostname)) {
      problems.push(`sources[${index}].url: is a link-local or special-purpose address (never fetched, whatever allowPrivateNetwork says)`);
    } else {
      const problem = targetUrlProblem(rawUrl, allowPrivateNetwork === true, 'a local mirror');
      if (problem !== undefined) problems.push(`sources[${index}].url: ${problem}`);
    }
  });
  return problems;
}

function deadlineProblems(input: object): string[] {
  const { requestTimeoutSeconds: timeout = DEFAULT_REQUEST_TIMEOUT_SECONDS, requestDeadlineSeconds: deadline = DEFAULT_REQUEST_DEADLINE_SECONDS } = input as {
    requestTimeoutSeconds?: unknown;
    requestDeadlineSeconds?: unknown;
  };
  if (typeof timeout !== 'number' || typeof deadline !== 'number' || deadline >= timeout) return [];
  return [`requestDeadlineSeconds: must be at least requestTimeoutSeconds (${timeout}), it is ${deadline}`];
}

/** The kinds a config may name, for help texts. */
export function kindList(): string {
  return KINDS.map((kind) => `${kind.id} (${kind.publisher})`).join(', ');
}
