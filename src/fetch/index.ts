import { rm } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import type { Writable } from 'node:stream';
import type { buildConnector } from 'undici';
import { isForbiddenHostLiteral, isPrivateHostLiteral } from './address-guard.js';
import type { Fetcher, FetchOptions, FetchResult } from './fetcher.js';
import { toFetchError, type FetchErrorCode } from './fetch-error.js';
import { createHostGate } from './host-gate.js';
import type { HostStateStore } from './host-state.js';
import { createAgent, sendOnce, type HopResponse, type Timeouts } from './http-client.js';
import { backoffDelay, DEFAULT_BACKOFF, isRetryable, parseRetryAfter } from './retry.js';
import { createRobotsPolicy, ROBOTS_MAX_BYTES, type RobotsFetchOutcome } from './robots.js';
import { detectSoftError } from './soft-error.js';
import { productTokenOf } from './user-agent.js';

export type { HostStateStore, RobotsEntry } from './host-state.js';
export type { Timeouts } from './http-client.js';
export { FetchError, type FetchErrorCode } from './fetch-error.js';

export interface FetcherDeps {
  /** Sent on every request (src/runtime/open-runtime.ts userAgent). Its first token is the robots.txt product token. */
  userAgent: string;
  allowPrivateNetwork: boolean;
  hostIntervalMs: number;
  timeouts: Timeouts;
  /** Retries after the first attempt, for network errors, timeouts and 5xx only. */
  maxRetries: number;
  store: HostStateStore;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  /** Longest wait for a host's not-before (Retry-After) before giving up on this run. Default 60 s. */
  maxWaitMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  backoff?: { baseMs: number; capMs: number };
  /** Tests: a resolver answering for made-up names. Default node:dns lookup. */
  lookup?: LookupFunction;
  /** Tests: the raw socket connector under the address guard. */
  connect?: buildConnector.connector;
  /** Opens a spool file for writing. Default fs.createWriteStream; tests pass a slow disk. */
  openSpool?: (path: string) => Writable;
}

type Failure = { kind: 'failure'; code: FetchErrorCode; reason: string; status?: number; host: string; retryable?: false };
type Arrival = { kind: 'response'; hop: HopResponse; finalUrl: URL };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function createFetcher(deps: FetcherDeps): Fetcher {
  const agent = createAgent({
    timeouts: deps.timeouts,
    allowPrivateNetwork: deps.allowPrivateNetwork,
    ...(deps.lookup ? { lookup: deps.lookup } : {}),
    ...(deps.connect ? { connect: deps.connect } : {}),
  });
  const maxWaitMs = deps.maxWaitMs ?? 60_000;
  const maxRedirects = deps.maxRedirects ?? 5;
  const backoff = { ...DEFAULT_BACKOFF, ...deps.backoff, random: deps.random };
  const gate = createHostGate({ intervalMs: deps.hostIntervalMs, maxWaitMs, store: deps.store, now: deps.now, sleep: deps.sleep });
  const robots = createRobotsPolicy({
    productToken: productTokenOf(deps.userAgent),
    store: deps.store,
    now: deps.now,
    fetchRobots: fetchRobots,
  });

  interface ChainOptions {
    maxBytes: number;
    truncate?: boolean;
    checkRobots: boolean;
    headers: Record<string, string>;
    spoolTo?: string;
    signal?: AbortSignal;
  }

  /** Follows redirects by hand so that every hop passes the address, robots and politeness checks. */
  async function followChain(start: URL, options: ChainOptions): Promise<Arrival | Failure> {
    let current = start;
    for (let hop = 0; ; hop++) {
      const fail = (code: FetchErrorCode, reason: string, status?: number): Failure => ({
        kind: 'failure',
        code,
        reason,
        host: current.host,
        ...(status !== undefined ? { status } : {}),
      });
      if (current.protocol !== 'https:' && current.protocol !== 'http:') {
        return fail('FETCH_BAD_URL', `fetch: GET ${current.href}: only http and https are fetched`);
      }
      if (isForbiddenHostLiteral(current.hostname)) {
        return fail('FETCH_PRIVATE_ADDRESS', `fetch: GET ${current.href}: ${current.hostname} is a link-local or special-purpose address, never contacted`);
      }
      if (!deps.allowPrivateNetwork && isPrivateHostLiteral(current.hostname)) {
        return fail('FETCH_PRIVATE_ADDRESS', `fetch: GET ${current.href}: ${current.hostname} is a private address`);
      }
      if (options.checkRobots) {
        const verdict = await robots.check(current);
        if (!verdict.allowed) return fail(verdict.code, verdict.reason);
      }
      const url = current;
      let hopResponse: HopResponse;
      try {
        const outcome = await gate.run(
          url.host,
          () =>
            sendOnce(agent, {
              url,
              headers: { 'user-agent': deps.userAgent, accept: '*/*', ...options.headers },
              maxBytes: options.maxBytes,
              ...(options.truncate ? { truncate: true } : {}),
              ...(options.spoolTo !== undefined ? { spoolTo: options.spoolTo } : {}),
              ...(deps.openSpool ? { openSpool: deps.openSpool } : {}),
              deadlineMs: deps.timeouts.totalMs,
              ...(options.signal ? { signal: options.signal } : {}),
            }),
          options.signal,
        );
        if (outcome.kind === 'not-before') {
          return fail('FETCH_NOT_BEFORE', `fetch: GET ${url.href}: rate limited until ${new Date(outcome.until).toISOString()}`);
        }
        hopResponse = outcome.value;
      } catch (error) {
        const err = toFetchError(error, url.href);
        return { ...fail(err.code, err.message, err.status), ...(err.retryable ? {} : { retryable: false as const }) };
      }
      const { status, headers } = hopResponse;
      if (status === 429 || status === 503) {
        const until = parseRetryAfter(headers['retry-after'], deps.now());
        if (until !== undefined && until > (deps.store.getNotBefore(url.host) ?? 0)) deps.store.setNotBefore(url.host, until);
      }
      if (!REDIRECTS.has(status)) return { kind: 'response', hop: hopResponse, finalUrl: url };
      const location = headers.location;
      const target = typeof location === 'string' ? URL.parse(location, url) : null;
      if (target === null) return fail('FETCH_HTTP_STATUS', `fetch: GET ${url.href} returned ${status} without a usable Location`, status);
      if (hop >= maxRedirects) {
        return fail('FETCH_REDIRECT_LIMIT', `fetch: GET ${start.href} redirected more than ${maxRedirects} times`, status);
      }
      // What came over TLS is never handed on in clear text, nor is a downgrade ever trusted.
      if (url.protocol === 'https:' && target.protocol === 'http:') {
        return fail('FETCH_INSECURE_REDIRECT', `fetch: GET ${url.href} redirected from https to http (${target.href}): not followed`, status);
      }
      target.hash = '';
      current = target;
    }
  }

  async function fetchRobots(robotsUrl: URL): Promise<RobotsFetchOutcome> {
    const result = await followChain(robotsUrl, { maxBytes: ROBOTS_MAX_BYTES, truncate: true, checkRobots: false, headers: {} });
    if (result.kind === 'response') {
      const { status, body } = result.hop;
      return { kind: 'response', status, body: status >= 200 && status < 300 ? (body ?? Buffer.alloc(0)).toString('utf8') : null };
    }
    if (result.status !== undefined) return { kind: 'response', status: result.status, body: null };
    return { kind: 'failed', code: result.code, reason: result.reason };
  }

  async function attempt(url: string, start: URL, options: FetchOptions): Promise<FetchResult | Failure> {
    const headers: Record<string, string> = {};
    if (options.etag !== undefined) headers['if-none-match'] = options.etag;
    if (options.lastModified !== undefined) headers['if-modified-since'] = options.lastModified;
    const result = await followChain(start, {
      maxBytes: options.maxBytes,
      checkRobots: true,
      headers,
      ...(options.spoolTo !== undefined ? { spoolTo: options.spoolTo } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (result.kind === 'failure') return result;
    const { hop, finalUrl } = result;
    const fetchedAt = new Date(deps.now()).toISOString();
    const failure = (code: FetchErrorCode, reason: string): Failure => ({ kind: 'failure', code, reason, status: hop.status, host: finalUrl.host });
    if (hop.status === 304 && Object.keys(headers).length > 0) {
      return { kind: 'not-modified', status: 304, url, finalUrl: finalUrl.href, fetchedAt };
    }
    if (hop.status < 200 || hop.status >= 300) return failure('FETCH_HTTP_STATUS', `fetch: GET ${finalUrl.href} returned ${hop.status}`);
    const contentType = hop.headers['content-type'];
    const soft = detectSoftError({
      status: hop.status,
      url: start,
      finalUrl,
      bytes: hop.bytes,
      ...(typeof contentType === 'string' ? { contentType } : {}),
      ...(hop.body ? { body: hop.body } : {}),
    });
    if (soft !== undefined || hop.status !== 200) {
      if (hop.bodyFile !== undefined) await rm(hop.bodyFile, { force: true });
      if (soft !== undefined) return failure('FETCH_SOFT_ERROR', `fetch: ${soft}`);
      return failure('FETCH_HTTP_STATUS', `fetch: GET ${finalUrl.href} returned ${hop.status}`);
    }
    const etag = hop.headers.etag;
    const lastModified = hop.headers['last-modified'];
    return {
      kind: 'ok',
      status: 200,
      url,
      finalUrl: finalUrl.href,
      fetchedAt,
      sha256: hop.sha256,
      bytes: hop.bytes,
      ...(typeof etag === 'string' ? { etag } : {}),
      ...(typeof lastModified === 'string' ? { lastModified } : {}),
      ...(hop.body !== undefined ? { body: hop.body } : {}),
      ...(hop.bodyFile !== undefined ? { bodyFile: hop.bodyFile } : {}),
    };
  }

  function unreadable(url: string, failure: Failure): FetchResult {
    return {
      kind: 'unreadable',
      reason: failure.reason,
      code: failure.code,
      url,
      fetchedAt: new Date(deps.now()).toISOString(),
      ...(failure.status !== undefined ? { status: failure.status } : {}),
    };
  }

  return {
    async get(url, options) {
      const start = URL.parse(url);
      if (start === null) return unreadable(url, { kind: 'failure', code: 'FETCH_BAD_URL', reason: `fetch: GET ${url}: not a URL`, host: '' });
      start.hash = '';
      for (let retry = 0; ; retry++) {
        const result = await attempt(url, start, options);
        if (result.kind !== 'failure') return result;
        if (retry >= deps.maxRetries || !isRetryable(result)) return unreadable(url, result);
        // A Retry-After longer than we would wait ends this run's attempts; the store keeps it for the next run.
        if ((deps.store.getNotBefore(result.host) ?? 0) - deps.now() > maxWaitMs) return unreadable(url, result);
        try {
          await deps.sleep(backoffDelay(retry + 1, backoff), options.signal);
        } catch (error) {
          return unreadable(url, { ...result, code: 'FETCH_ABORTED', reason: toFetchError(error, url).message });
        }
      }
    },
    async close(options) {
      if (options?.abandonInFlight) await agent.destroy();
      else await agent.close();
    },
  };
}
