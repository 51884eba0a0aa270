import type { FetchErrorCode } from './fetch-error.js';
import type { HostStateStore, RobotsEntry } from './host-state.js';

// robots.txt per RFC 9309: groups by user-agent (product token matched case-insensitively, §2.2.1),
// allow/disallow with `*` and `$` (§2.2.3), the longest match wins and allow wins a tie (§2.2.2).
// A 4xx file means no rules; 5xx or unreachable means disallow everything (§2.3.1.3, §2.3.1.4).
// When that happens, the reason says first why the file could not be had (name not resolved,
// connection refused, a timeout, a 503), then the RFC's consequence: on a machine without network,
// "disallowed by robots.txt" alone sends a person looking at the wrong thing.

interface Rule {
  allow: boolean;
  pattern: string;
}

export interface RobotsFile {
  groups: Array<{ agents: string[]; rules: Rule[] }>;
}

export function parseRobots(text: string): RobotsFile {
  const groups: RobotsFile['groups'] = [];
  let current: { agents: string[]; rules: Rule[] } | undefined;
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    // Not /#.*$/: `.` stops at U+2028, and a line of `#`s before one makes that regex quadratic.
    const hash = rawLine.indexOf('#');
    const line = (hash === -1 ? rawLine : rawLine.slice(0, hash)).trim();
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'user-agent') {
      if (current === undefined || current.rules.length > 0) {
        current = { agents: [], rules: [] };
        groups.push(current);
      }
      current.agents.push(productToken(value));
    } else if ((key === 'allow' || key === 'disallow') && current !== undefined && value !== '') {
      current.rules.push({ allow: key === 'allow', pattern: normalise(value) });
    }
    // Other records (sitemap, crawl-delay, …) neither end a group nor change the verdict.
  }
  return { groups };
}

/** `RegWatch/1.2 (+https://…)` → `regwatch`: only the product token takes part in matching. */
function productToken(value: string): string {
  return value === '*' ? '*' : (/^[A-Za-z_-]+/.exec(value)?.[0] ?? '').toLowerCase();
}

export function isAllowed(file: RobotsFile, token: string, pathAndQuery: string): boolean {
  const path = normalise(pathAndQuery);
  if (path === '/robots.txt') return true; // RFC 9309 §2.2.2: implicitly allowed
  const wanted = token.toLowerCase();
  let groups = file.groups.filter((g) => g.agents.includes(wanted));
  if (groups.length === 0) groups = file.groups.filter((g) => g.agents.includes('*'));
  let best: Rule | undefined;
  for (const rule of groups.flatMap((g) => g.rules)) {
    if (!matches(rule.pattern, path)) continue;
    if (best === undefined || rule.pattern.length > best.pattern.length || (rule.pattern.length === best.pattern.length && rule.allow)) {
      best = rule;
    }
  }
  return best?.allow ?? true;
}

/**
 * Percent-encodes non-ASCII, decodes escapes of unreserved characters and upper-cases the rest
 * (RFC 9309 §2.2.2 compares octets after this normalisation, RFC 3986 §6.2.2).
 */
function normalise(value: string): string {
  const encoded = value.replace(/[^\x00-\x7f]+/g, (s) => encodeURIComponent(s));
  return encoded.replace(/%([0-9a-fA-F]{2})/g, (_escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/** `*` matches any run of characters; a final `$` anchors the end; otherwise a prefix match. */
function matches(rulePattern: string, path: string): boolean {
  const anchored = rulePattern.endsWith('$');
  const pattern = anchored ? rulePattern.slice(0, -1) : `${rulePattern}*`;
  // Linear-time wildcard matching with one backtrack point: no regex, so no catastrophic patterns.
  let p = 0;
  let s = 0;
  let star = -1;
  let mark = 0;
  while (s < path.length) {
    if (pattern[p] === '*') {
      star = p++;
      mark = s;
    } else if (p < pattern.length && pattern[p] === path[s]) {
      p++;
      s++;
    } else if (star >= 0) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

export const ROBOTS_TTL_MS = 24 * 60 * 60 * 1000;
/** A disallow-everything verdict from an unreachable file is re-checked sooner than a real file. */
export const ROBOTS_FAILURE_TTL_MS = 60 * 60 * 1000;
/** RFC 9309 §2.5: parse at least the first 500 KiB. */
export const ROBOTS_MAX_BYTES = 512 * 1024;

export type RobotsFetchOutcome =
  | { kind: 'response'; status: number; body: string | null }
  /** Could not be fetched; see PASSED_THROUGH for the outcomes that are not a verdict on robots.txt. */
  | { kind: 'failed'; code: FetchErrorCode; reason: string };

/** Not a fact about robots.txt: reported as themselves and never cached. */
const PASSED_THROUGH: ReadonlySet<FetchErrorCode> = new Set(['FETCH_PRIVATE_ADDRESS', 'FETCH_ABORTED', 'FETCH_NOT_BEFORE', 'FETCH_BAD_URL']);

export type RobotsVerdict = { allowed: true } | { allowed: false; code: FetchErrorCode; reason: string };

export interface RobotsPolicyOptions {
  productToken: string;
  store: Pick<HostStateStore, 'getRobots' | 'setRobots'>;
  now(): number;
  fetchRobots(robotsUrl: URL): Promise<RobotsFetchOutcome>;
}

export interface RobotsPolicy {
  check(url: URL): Promise<RobotsVerdict>;
}

export function createRobotsPolicy(options: RobotsPolicyOptions): RobotsPolicy {
  const parsed = new Map<string, { fetchedAt: number; file: RobotsFile }>();
  const inFlight = new Map<string, Promise<RobotsEntry | RobotsVerdict>>();

  async function entryFor(origin: string): Promise<RobotsEntry | RobotsVerdict> {
    const cached = options.store.getRobots(origin);
    if (cached !== undefined && options.now() - cached.fetchedAt < ttl(cached)) return cached;
    const outcome = await options.fetchRobots(new URL('/robots.txt', origin));
    if (outcome.kind === 'failed' && PASSED_THROUGH.has(outcome.code)) {
      return { allowed: false, code: outcome.code, reason: outcome.reason };
    }
    const entry: RobotsEntry =
      outcome.kind === 'response'
        ? { fetchedAt: options.now(), status: outcome.status, body: outcome.body }
        : { fetchedAt: options.now(), status: 0, body: null, failure: whyUnfetched(outcome) };
    options.store.setRobots(origin, entry);
    return entry;
  }

  return {
    async check(url) {
      const origin = url.origin;
      let pending = inFlight.get(origin);
      if (pending === undefined) {
        pending = entryFor(origin).finally(() => inFlight.delete(origin));
        inFlight.set(origin, pending);
      }
      const entry = await pending;
      if (!('status' in entry)) return entry;
      const path = `${url.pathname}${url.search}`;
      if (entry.status >= 200 && entry.status < 300) {
        let hit = parsed.get(origin);
        if (hit?.fetchedAt !== entry.fetchedAt) {
          hit = { fetchedAt: entry.fetchedAt, file: parseRobots(entry.body ?? '') };
          parsed.set(origin, hit);
        }
        if (isAllowed(hit.file, options.productToken, path)) return { allowed: true };
        return { allowed: false, code: 'FETCH_ROBOTS', reason: `fetch: GET ${url.href} is disallowed by robots.txt` };
      }
      if (allowsAll(entry.status)) return { allowed: true };
      const why =
        entry.status === 0 ? `${entry.failure ?? 'no answer'}: ${origin}/robots.txt could not be fetched` : `${origin}/robots.txt returned ${entry.status}`;
      return {
        allowed: false,
        code: 'FETCH_ROBOTS',
        reason: `fetch: ${why}; RFC 9309 then counts every page of ${origin} as disallowed, so GET ${url.href} was not attempted`,
      };
    },
  };
}

/**
 * 4xx: "unavailable", crawl freely (§2.3.1.3); too many redirects may be treated the same
 * (§2.3.1.2). 429 is the server asking us to slow down, so it is treated as unreachable instead.
 */
function allowsAll(status: number): boolean {
  return (status >= 400 && status < 500 && status !== 429) || (status >= 300 && status < 400);
}

/** The cause in the words a person checks first, then the detail: `name not resolved (getaddrinfo ENOTFOUND www.iso.org)`. */
export function whyUnfetched(outcome: { code: FetchErrorCode; reason: string }): string {
  const detail = outcome.reason.replace(/^fetch: GET \S+ (failed: )?/, '').replace(/^timed out \((.*)\)$/, '$1');
  const cause =
    outcome.code === 'FETCH_TIMEOUT'
      ? 'timed out'
      : /\b(ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL|EAI_NODATA)\b/.test(detail)
        ? 'name not resolved'
        : /\bECONNREFUSED\b/.test(detail)
          ? 'connection refused'
          : /\b(ENETUNREACH|EHOSTUNREACH|EADDRNOTAVAIL)\b/.test(detail)
            ? 'network unreachable'
            : /\b(ECONNRESET|EPIPE)\b|socket hang up|other side closed/i.test(detail)
              ? 'connection reset'
              : /\b(CERT|SSL|TLS)|certificate/i.test(detail)
                ? 'TLS failed'
                : 'no answer';
  return `${cause} (${detail})`;
}

function ttl(entry: RobotsEntry): number {
  return (entry.status >= 200 && entry.status < 300) || allowsAll(entry.status) ? ROBOTS_TTL_MS : ROBOTS_FAILURE_TTL_MS;
}
