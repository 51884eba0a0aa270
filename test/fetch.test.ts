import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFetcher, type FetcherDeps } from '../src/fetch/index.js';
import type { Fetcher } from '../src/fetch/fetcher.js';
import { parseConfig } from '../src/config/index.js';
import { buildFetcher } from '../src/runtime/open-runtime.js';
import {
  dripBody,
  endlessBody,
  fakeClock,
  garbage,
  memoryStore,
  redirect,
  send,
  silent,
  stallBody,
  startFaultServer,
  testFetcherDeps,
  truncated,
  type FakeClock,
  type FaultServer,
} from './fault-server.js';

// Every request here goes to a 127.0.0.1 server started by the test (allowPrivateNetwork: true).
// Timeouts are real but short, and each test waits on them with a wide margin.

const UA = 'regwatch/0.1.0 (+https://example.org/regwatch)';
let server: FaultServer;
let clock: FakeClock;
let store: ReturnType<typeof memoryStore>;
let fetcher: Fetcher;

function make(overrides: Partial<FetcherDeps> = {}): Fetcher {
  fetcher = createFetcher(testFetcherDeps(clock, { userAgent: UA, store, random: () => 0.5, ...overrides }));
  return fetcher;
}

const pagePaths = () => server.requests.map((r) => r.path).filter((p) => p !== '/robots.txt');

beforeEach(async () => {
  server = await startFaultServer({ '/robots.txt': send(404, 'none') });
  clock = fakeClock();
  store = memoryStore();
});
afterEach(async () => {
  await fetcher?.close();
  await server.close();
});

describe('fetch: success, identity and conditional requests', () => {
  it('returns the body, its sha256 and the validators, and names regwatch in the User-Agent', async () => {
    const html = '<html><head><title>ISO/IEC 42001:2023</title></head><body>Published</body></html>';
    server.route('/standard/81230.html', send(200, html, { etag: '"v1"', 'last-modified': 'Mon, 06 Jan 2025 10:00:00 GMT' }));
    const result = await make().get(`${server.origin}/standard/81230.html`, { maxBytes: 5_000_000 });
    expect(result).toMatchObject({
      kind: 'ok',
      status: 200,
      etag: '"v1"',
      lastModified: 'Mon, 06 Jan 2025 10:00:00 GMT',
      bytes: Buffer.byteLength(html),
      sha256: createHash('sha256').update(html).digest('hex'),
      fetchedAt: new Date(clock.now()).toISOString(),
    });
    expect(result.kind === 'ok' && result.body?.toString()).toBe(html);
    const ua = server.requests.find((r) => r.path === '/standard/81230.html')?.headers['user-agent'];
    expect(ua).toBe('regwatch/0.1.0 (+https://example.org/regwatch)');
  });

  it('sends If-None-Match / If-Modified-Since and reports 304 as not-modified', async () => {
    server.route('/doc', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304).end();
      else res.writeHead(200, { etag: '"v1"' }).end('<p>body</p>');
    });
    const f = make();
    const first = await f.get(`${server.origin}/doc`, { maxBytes: 1000 });
    expect(first).toMatchObject({ kind: 'ok', etag: '"v1"' });
    const second = await f.get(`${server.origin}/doc`, { maxBytes: 1000, etag: '"v1"', lastModified: 'Mon, 06 Jan 2025 10:00:00 GMT' });
    expect(second).toMatchObject({ kind: 'not-modified', status: 304, finalUrl: `${server.origin}/doc` });
    const sent = server.requests.filter((r) => r.path === '/doc')[1]?.headers;
    expect(sent?.['if-none-match']).toBe('"v1"');
    expect(sent?.['if-modified-since']).toBe('Mon, 06 Jan 2025 10:00:00 GMT');
  });

  it('spools a big body to a file, hashing it on the way, and removes a partial spool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'regwatch-fetch-'));
    try {
      const rows = '{"id":1}\n'.repeat(20_000);
      server.route('/dump.jsonl', send(200, rows, { 'content-type': 'application/jsonl' }));
      server.route('/endless.jsonl', endlessBody());
      const f = make();
      const file = join(dir, 'dump.download');
      const ok = await f.get(`${server.origin}/dump.jsonl`, { maxBytes: 200_000_000, spoolTo: file });
      expect(ok).toMatchObject({ kind: 'ok', bodyFile: file, bytes: rows.length, sha256: createHash('sha256').update(rows).digest('hex') });
      expect(ok.kind === 'ok' && ok.body).toBeUndefined();
      expect(readFileSync(file, 'utf8')).toBe(rows);
      const partial = join(dir, 'endless.download');
      const tooBig = await f.get(`${server.origin}/endless.jsonl`, { maxBytes: 100_000, spoolTo: partial });
      expect(tooBig).toMatchObject({ kind: 'unreadable', code: 'FETCH_TOO_LARGE' });
      expect(existsSync(partial)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fetch: misbehaving servers end in unreadable, never in a throw', () => {
  it('times out on headers that never come', async () => {
    server.route('/slow', silent());
    const result = await make({ timeouts: { connectMs: 2_000, headersMs: 300, bodyMs: 2_000, totalMs: 30_000 } }).get(`${server.origin}/slow`, {
      maxBytes: 1000,
    });
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_TIMEOUT' });
    expect(result.kind === 'unreadable' && result.reason).toMatch(/^fetch: GET http:\/\/127\.0\.0\.1:\d+\/slow timed out/);
  });

  it('times out on a body that stalls', async () => {
    server.route('/stall', stallBody());
    const result = await make({ timeouts: { connectMs: 2_000, headersMs: 2_000, bodyMs: 300, totalMs: 30_000 } }).get(`${server.origin}/stall`, {
      maxBytes: 1_000_000,
    });
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_TIMEOUT' });
  });

  it('ends a body that drips steadily at the total deadline, and does not try again', async () => {
    server.route('/drip', dripBody(50));
    const f = make({ maxRetries: 2, timeouts: { connectMs: 2_000, headersMs: 2_000, bodyMs: 2_000, totalMs: 1_000 } });
    const result = await f.get(`${server.origin}/drip`, { maxBytes: 1_000_000 });
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_TIMEOUT' });
    expect(result.kind === 'unreadable' && result.reason).toBe(`fetch: GET ${server.origin}/drip did not finish within its total deadline of 1 s`);
    expect(pagePaths()).toEqual(['/drip']);
  });

  it('takes the deadline from the config (requestDeadlineSeconds)', async () => {
    server.route('/drip', dripBody(50));
    const config = parseConfig({
      sources: [{ id: 'drip', watcher: 'iso-page', url: `${server.origin}/drip` }],
      allowPrivateNetwork: true,
      hostIntervalSeconds: 0,
      requestTimeoutSeconds: 1,
      requestDeadlineSeconds: 1.5,
    });
    fetcher = buildFetcher(config, store);
    const result = await fetcher.get(`${server.origin}/drip`, { maxBytes: 1_000_000 });
    expect(result.kind === 'unreadable' && result.reason).toBe(`fetch: GET ${server.origin}/drip did not finish within its total deadline of 1.5 s`);
  });

  it('removes a partial spool when the total deadline ends a download', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'regwatch-fetch-'));
    try {
      server.route('/drip.jsonl', dripBody(50));
      const partial = join(dir, 'drip.download');
      const result = await make({ timeouts: { connectMs: 2_000, headersMs: 2_000, bodyMs: 2_000, totalMs: 800 } }).get(`${server.origin}/drip.jsonl`, {
        maxBytes: 1_000_000,
        spoolTo: partial,
      });
      expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_TIMEOUT' });
      expect(existsSync(partial)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still ends with FETCH_ABORTED when the caller aborts a dripping body before the deadline', async () => {
    server.route('/drip', dripBody(50));
    const controller = new AbortController();
    const pending = make({ timeouts: { connectMs: 2_000, headersMs: 2_000, bodyMs: 2_000, totalMs: 30_000 } }).get(`${server.origin}/drip`, {
      maxBytes: 1_000_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 300);
    expect(await pending).toMatchObject({ kind: 'unreadable', code: 'FETCH_ABORTED' });
  });

  it('cuts off an endless body at the limit, and refuses a Content-Length over it unread', async () => {
    server.route('/endless', endlessBody());
    server.route('/declared', send(200, 'x'.repeat(10_000), { 'content-length': '10000' }));
    const f = make();
    expect(await f.get(`${server.origin}/endless`, { maxBytes: 64 * 1024 })).toMatchObject({ kind: 'unreadable', code: 'FETCH_TOO_LARGE' });
    const declared = await f.get(`${server.origin}/declared`, { maxBytes: 1_000 });
    expect(declared).toMatchObject({ kind: 'unreadable', code: 'FETCH_TOO_LARGE' });
    expect(declared.kind === 'unreadable' && declared.reason).toContain('Content-Length: 10000');
  });

  it('gives up on a redirect loop after 5 redirects', async () => {
    server.route('/a', redirect(302, '/b'));
    server.route('/b', redirect(301, '/a'));
    const result = await make().get(`${server.origin}/a`, { maxBytes: 1000 });
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_REDIRECT_LIMIT' });
    expect(pagePaths()).toEqual(['/a', '/b', '/a', '/b', '/a', '/b']);
  });

  it('follows a relative redirect and reports the final URL', async () => {
    server.route('/old', redirect(301, '/new?x=1#frag'));
    server.route('/new', send(200, '<title>ISO 123</title><p>fine</p>'));
    expect(await make().get(`${server.origin}/old`, { maxBytes: 1000 })).toMatchObject({
      kind: 'ok',
      url: `${server.origin}/old`,
      finalUrl: `${server.origin}/new?x=1`,
    });
  });

  it('reports 403 by its status and does not retry it', async () => {
    server.route('/forbidden', send(403, 'no'));
    const url = `${server.origin}/forbidden`;
    const result = await make({ maxRetries: 3 }).get(url, { maxBytes: 1000 });
    expect(result).toEqual({
      kind: 'unreadable',
      code: 'FETCH_HTTP_STATUS',
      status: 403,
      reason: `fetch: GET ${url} returned 403`,
      url,
      fetchedAt: expect.any(String),
    });
    expect(pagePaths()).toEqual(['/forbidden']);
  });

  it('calls garbage bytes a protocol error', async () => {
    server.route('/garbage', garbage());
    expect(await make().get(`${server.origin}/garbage`, { maxBytes: 1000 })).toMatchObject({ kind: 'unreadable', code: 'FETCH_PROTOCOL' });
  });

  it('calls a body shorter than its Content-Length a network error, and retries it', async () => {
    server.route('/truncated', truncated());
    const result = await make({ maxRetries: 1 }).get(`${server.origin}/truncated`, { maxBytes: 10_000 });
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_NETWORK' });
    expect(pagePaths()).toEqual(['/truncated', '/truncated']);
  });

  it('refuses a page whose robots.txt cannot be reached (connection refused)', async () => {
    const closed = await startFaultServer();
    const origin = closed.origin;
    await closed.close();
    const result = await make().get(`${origin}/`, { maxBytes: 1000 });
    expect(result).toMatchObject({ kind: 'unreadable' });
    // robots.txt is unreachable first, so the page is refused by robots before it is tried; the
    // reason says why first
    expect(result.kind === 'unreadable' && result.code).toBe('FETCH_ROBOTS');
    expect(result.kind === 'unreadable' && result.reason).toMatch(
      /^fetch: connection refused \(connect ECONNREFUSED 127\.0\.0\.1:\d+\): http:\/\/127\.0\.0\.1:\d+\/robots\.txt could not be fetched; RFC 9309/,
    );
  });

  it('returns FETCH_ABORTED when the caller aborts', async () => {
    server.route('/slow', silent());
    const controller = new AbortController();
    const pending = make().get(`${server.origin}/slow`, { maxBytes: 1000, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect(await pending).toMatchObject({ kind: 'unreadable', code: 'FETCH_ABORTED' });
  });

  it('answers a URL it cannot fetch without throwing', async () => {
    expect(await make().get('not a url', { maxBytes: 10 })).toMatchObject({ kind: 'unreadable', code: 'FETCH_BAD_URL' });
    expect(await make().get('file:///etc/passwd', { maxBytes: 10 })).toMatchObject({ kind: 'unreadable', code: 'FETCH_BAD_URL' });
  });
});

describe('fetch: soft errors are unreadable, never content', () => {
  it.each([
    ['a 202 with an empty body (WAF challenge)', send(202, ''), /returned 202 with an empty body/],
    ['a 200 with an empty body', send(200, ''), /returned 200 with an empty body/],
    [
      'a 200 "Access denied" page',
      send(200, '<html><head><title>Access Denied</title></head><body>Reference #18.abc</body></html>'),
      /title says access denied/,
    ],
    ['a 200 captcha page', send(200, '<html><body><h1>Please complete the CAPTCHA to continue</h1></body></html>'), /page says a captcha/],
    ['a 200 "not found" page', send(200, '<html><head><title>Page not found | ISO</title></head><body>Sorry</body></html>'), /title says not found/],
  ])('%s', async (_name, handler, reason) => {
    server.route('/page', handler);
    const result = await make().get(`${server.origin}/page`, { maxBytes: 1000 });
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_SOFT_ERROR' });
    expect(result.kind === 'unreadable' && result.reason).toMatch(reason);
  });

  it('a redirect to the home page', async () => {
    server.route('/standard/99999.html', redirect(302, '/'));
    server.route('/', send(200, '<html><title>ISO - International Organization for Standardization</title>home</html>'));
    const result = await make().get(`${server.origin}/standard/99999.html`, { maxBytes: 1000 });
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_SOFT_ERROR', status: 200 });
    expect(result.kind === 'unreadable' && result.reason).toContain('redirected to the home page');
  });
});

describe('fetch: robots.txt', () => {
  it('refuses a disallowed page without requesting it, and reads robots.txt once a day', async () => {
    server.route('/robots.txt', send(200, 'User-agent: *\nDisallow: /\n\nUser-agent: regwatch\nDisallow: /private/\n', { 'content-type': 'text/plain' }));
    server.route('/private/x', send(200, 'secret'));
    server.route('/public', send(200, '<p>public</p>'));
    const f = make();
    const refused = await f.get(`${server.origin}/private/x`, { maxBytes: 1000 });
    expect(refused).toMatchObject({ kind: 'unreadable', code: 'FETCH_ROBOTS' });
    expect(refused.kind === 'unreadable' && refused.reason).toBe(`fetch: GET ${server.origin}/private/x is disallowed by robots.txt`);
    expect(await f.get(`${server.origin}/public`, { maxBytes: 1000 })).toMatchObject({ kind: 'ok' });
    expect(server.requests.map((r) => r.path)).toEqual(['/robots.txt', '/public']);
    clock.advance(25 * 60 * 60 * 1000);
    await f.get(`${server.origin}/public`, { maxBytes: 1000 });
    expect(server.requests.filter((r) => r.path === '/robots.txt')).toHaveLength(2);
  });

  it('reads the first 512 KiB of an endless robots.txt and closes the connection there', async () => {
    let sent = 0;
    server.route('/robots.txt', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('User-agent: *\nDisallow: /private/\n');
      const padding = Buffer.from('# padding\n'.repeat(1_600));
      const pump = (): void => {
        while (sent < 64 * 1024 * 1024 && !res.destroyed) {
          sent += padding.length;
          if (!res.write(padding)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    server.route('/private/x', send(200, 'secret'));
    const refused = await make().get(`${server.origin}/private/x`, { maxBytes: 1000 });
    expect(refused).toMatchObject({ kind: 'unreadable', code: 'FETCH_ROBOTS' });
    expect(store.robots.get(server.origin)?.body?.length).toBe(512 * 1024);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('allows everything when robots.txt is 404 and nothing when it is 500', async () => {
    server.route('/page', send(200, '<p>page</p>'));
    expect(await make().get(`${server.origin}/page`, { maxBytes: 1000 })).toMatchObject({ kind: 'ok' });
    await fetcher.close();
    store = memoryStore();
    server.route('/robots.txt', send(500, 'oops'));
    const refused = await make().get(`${server.origin}/page`, { maxBytes: 1000 });
    expect(refused).toMatchObject({ kind: 'unreadable', code: 'FETCH_ROBOTS' });
    expect(refused.kind === 'unreadable' && refused.reason).toBe(
      `fetch: ${server.origin}/robots.txt returned 500; RFC 9309 then counts every page of ${server.origin} as disallowed, so GET ${server.origin}/page was not attempted`,
    );
  });
});

describe('fetch: retries, 429 and 503', () => {
  it('retries 5xx with exponential backoff and jitter, then succeeds', async () => {
    let calls = 0;
    server.route('/flaky', (_req, res) => {
      calls += 1;
      if (calls < 3) res.writeHead(502).end();
      else res.writeHead(200).end('<p>ok</p>');
    });
    const result = await make({ maxRetries: 3, backoff: { baseMs: 1_000, capMs: 30_000 } }).get(`${server.origin}/flaky`, { maxBytes: 1000 });
    expect(result).toMatchObject({ kind: 'ok' });
    expect(clock.sleeps).toEqual([500, 1_000]); // random() = 0.5 of 1 s, then of 2 s
  });

  it('stops after maxRetries and reports the last status', async () => {
    server.route('/down', send(500, 'down'));
    const result = await make({ maxRetries: 2 }).get(`${server.origin}/down`, { maxBytes: 1000 });
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_HTTP_STATUS', status: 500 });
    expect(pagePaths()).toEqual(['/down', '/down', '/down']);
  });

  it('keeps a 429 Retry-After (seconds) in the store and refuses to ask again before it', async () => {
    server.route('/busy', send(429, 'slow down', { 'retry-after': '3600' }));
    const f = make({ maxRetries: 3 });
    const first = await f.get(`${server.origin}/busy`, { maxBytes: 1000 });
    expect(first).toMatchObject({ kind: 'unreadable', code: 'FETCH_HTTP_STATUS', status: 429 });
    const host = new URL(server.origin).host;
    expect(store.notBefore.get(host)).toBe(clock.now() + 3_600_000);
    // a later run (new fetcher, same store) honours it without touching the server
    await f.close();
    const before = server.requests.length;
    const later = await make().get(`${server.origin}/busy`, { maxBytes: 1000 });
    expect(later).toMatchObject({ kind: 'unreadable', code: 'FETCH_NOT_BEFORE' });
    expect(later.kind === 'unreadable' && later.reason).toContain(`rate limited until ${new Date(clock.now() + 3_600_000).toISOString()}`);
    expect(server.requests.length).toBe(before);
  });

  it('reads a 429 Retry-After given as an HTTP-date', async () => {
    const until = clock.now() + 2 * 3_600_000;
    server.route('/busy', send(429, '', { 'retry-after': new Date(until).toUTCString() }));
    await make().get(`${server.origin}/busy`, { maxBytes: 1000 });
    expect(store.notBefore.get(new URL(server.origin).host)).toBe(until);
  });

  it('waits out a short 503 Retry-After and retries; a long one ends the attempts', async () => {
    let calls = 0;
    server.route('/maint', (_req, res) => {
      calls += 1;
      if (calls === 1) res.writeHead(503, { 'retry-after': '20' }).end();
      else res.writeHead(200).end('<p>back</p>');
    });
    server.route('/long', send(503, '', { 'retry-after': '7200' }));
    const f = make({ maxRetries: 2, random: () => 0 });
    expect(await f.get(`${server.origin}/maint`, { maxBytes: 1000 })).toMatchObject({ kind: 'ok' });
    expect(clock.sleeps).toContain(20_000);
    const long = await f.get(`${server.origin}/long`, { maxBytes: 1000 });
    expect(long).toMatchObject({ kind: 'unreadable', code: 'FETCH_HTTP_STATUS', status: 503 });
    expect(pagePaths().filter((p) => p === '/long')).toHaveLength(1);
  });
});
