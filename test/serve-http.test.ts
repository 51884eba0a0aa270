import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { changesFileSchema, type Item } from '../src/model/item.js';
import { feedMaxAge } from '../src/server/cache-control.js';
import { acceptsGzip } from '../src/server/representation.js';
import { FDIS_42005 } from './publish-items.js';
import { NOW, REALISTIC_OLDEST_FIRST, request, startTestServer, syntheticItem, type TestServer } from './serve-seed.js';

// The read side of `regwatch serve` over a seeded temp store, on 127.0.0.1: every endpoint, the
// caching feed readers rely on, and changes.json's query validation and paging.

let server: TestServer;

beforeAll(async () => {
  // 250 synthetic items older than the three realistic ones: enough for three pages of 100.
  const synthetic = Array.from({ length: 250 }, (_, n) => syntheticItem(n));
  server = await startTestServer({ items: [...synthetic, ...REALISTIC_OLDEST_FIRST] });
});
afterAll(async () => {
  await server?.close();
});

const url = (path: string) => new URL(path, server.url).href;

describe('published files', () => {
  it.each([
    ['/feed.xml', 'application/rss+xml; charset=utf-8'],
    ['/feed.atom', 'application/atom+xml; charset=utf-8'],
    ['/feed.json', 'application/feed+json; charset=utf-8'],
    ['/changes.json', 'application/json; charset=utf-8'],
    ['/sources.json', 'application/json; charset=utf-8'],
  ])('%s is the published file, typed %s, with validators, a cache lifetime of a minute and any origin allowed', async (path, type) => {
    const res = await request(url(path));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.body.equals(readFileSync(join(server.publicDir, path.slice(1))))).toBe(true);
    expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]{20,}"$/);
    expect(new Date(res.headers['last-modified']!).toUTCString()).toBe(res.headers['last-modified']);
    // The next scheduled refresh is an hour away, but a manual one must show within a minute.
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers If-None-Match with 304 (strong, weak, listed and * forms), and a stale tag with 200', async () => {
    const first = await request(url('/feed.xml'));
    const etag = first.headers.etag!;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const res = await request(url('/feed.xml'), { headers: { 'If-None-Match': ifNoneMatch } });
      expect(res.status, ifNoneMatch).toBe(304);
      expect(res.body.length).toBe(0);
      expect(res.headers.etag).toBe(etag);
      expect(res.headers['cache-control']).toBe('public, max-age=60');
    }
    expect((await request(url('/feed.xml'), { headers: { 'If-None-Match': '"stale"' } })).status).toBe(200);
  });

  it('answers If-Modified-Since with 304 when nothing is newer, 200 when it is; If-None-Match wins over it', async () => {
    const first = await request(url('/feed.atom'));
    const lastModified = first.headers['last-modified']!;
    expect((await request(url('/feed.atom'), { headers: { 'If-Modified-Since': lastModified } })).status).toBe(304);
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await request(url('/feed.atom'), { headers: { 'If-Modified-Since': earlier } })).status).toBe(200);
    expect((await request(url('/feed.atom'), { headers: { 'If-Modified-Since': 'not a date' } })).status).toBe(200);
    const both = await request(url('/feed.atom'), { headers: { 'If-Modified-Since': lastModified, 'If-None-Match': '"stale"' } });
    expect(both.status).toBe(200);
  });

  it('gzips when asked, with its own ETag, and not when gzip is refused', async () => {
    const plain = await request(url('/feed.json'));
    const zipped = await request(url('/feed.json'), { headers: { 'Accept-Encoding': 'br, gzip;q=0.8' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.body.length).toBeLessThan(plain.body.length);
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
    expect((await request(url('/feed.json'), { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': zipped.headers.etag! } })).status).toBe(304);
    const refused = await request(url('/feed.json'), { headers: { 'Accept-Encoding': 'gzip;q=0, identity' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(plain.body)).toBe(true);
  });

  it('serves a republished file with a new ETag, and the old tag no longer matches', async () => {
    const before = await request(url('/sources.json'));
    const path = join(server.publicDir, 'sources.json');
    const original = readFileSync(path);
    writeFileSync(`${path}.tmp`, `${original.toString().trimEnd()}\n\n`);
    renameSync(`${path}.tmp`, path);
    try {
      const after = await request(url('/sources.json'), { headers: { 'If-None-Match': before.headers.etag! } });
      expect(after.status).toBe(200);
      expect(after.headers.etag).not.toBe(before.headers.etag);
      expect(after.body.equals(readFileSync(path))).toBe(true);
    } finally {
      writeFileSync(`${path}.tmp`, original);
      renameSync(`${path}.tmp`, path);
    }
  });

  it('answers HEAD with the headers and no body, and other methods with 405', async () => {
    const head = await request(url('/feed.xml'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(100);
    expect(head.body.length).toBe(0);
    const post = await request(url('/feed.xml'), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD, OPTIONS'); // a feed also answers a CORS preflight
    const onPage = await request(url('/'), { method: 'POST' });
    expect([onPage.status, onPage.headers.allow]).toEqual([405, 'GET, HEAD']);
    // A path no route answers is not there, whatever the method.
    for (const [method, path] of [
      ['POST', '/nope'],
      ['OPTIONS', '/sources/iso_42001/whatever'],
      ['OPTIONS', '/sources/iso_99999/feed.xml'],
      ['POST', '/sources/iso_99999/feed.xml'],
      ['DELETE', '/feed.xml/'],
    ] as const) {
      const res = await request(url(path), { method });
      expect([method, path, res.status, res.headers.allow]).toEqual([method, path, 404, undefined]);
    }
  });

  it('dates the page by the newest fact it shows, not by the clock: the same Last-Modified while the clock moves', async () => {
    const first = await request(url('/'));
    const before = server.clock.now;
    server.clock.now = new Date(before.getTime() + 3_600_000);
    const later = await request(url('/')).finally(() => (server.clock.now = before));
    // The seed's newest fact (iso_42006's check, 2025-03-10T06:00:20Z) is older than the server's
    // start (its clock, NOW): the page is dated by its start, which its config and schedule date.
    expect(first.headers['last-modified']).toBe(NOW.toUTCString());
    expect(later.headers['last-modified']).toBe(first.headers['last-modified']);
  });

  it('answers an unknown path with a JSON 404', async () => {
    const res = await request(url('/nope'));
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text).error).toContain('/nope');
  });

  // `new URL('//feed.xml', base)` reads feed.xml as a host and `/` as the path: the page was served.
  it.each(['//feed.xml', '//', '//healthz', '///feed.xml', '//sources/iso_42005/feed.xml'])(
    'answers %s with a JSON 404, never the page or a file',
    async (path) => {
      const res = await rawRequest(path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(res.text).error).toContain(path);
    },
  );

  it('serves a request in absolute form (RFC 9112 §3.2.2) like its path', async () => {
    const res = await rawRequest(url('/feed.xml'));
    expect(res.status).toBe(200);
    expect(res.body.equals(readFileSync(join(server.publicDir, 'feed.xml')))).toBe(true);
  });
});

/** A request whose target is sent exactly as given (node's client would not send `//x` as is otherwise). */
function rawRequest(target: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer; text: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: target, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('per-source feeds', () => {
  it('carry the items that source reported, including those it saw alongside another source', async () => {
    const own = JSON.parse((await request(url('/sources/iso_42005/feed.json'))).text);
    const alongside = JSON.parse((await request(url('/sources/iso_opendata/feed.json'))).text);
    const ids = (feed: { items: Array<{ id: string }> }) => feed.items.map((i) => i.id);
    expect(ids(own)).toContain(FDIS_42005.id);
    expect(ids(alongside)).toContain(FDIS_42005.id); // FDIS_42005.alsoSeenBy names iso_opendata
    expect(ids(own).every((id) => !id.includes('iso_42001/'))).toBe(true);
    expect(own.feed_url).toBe('http://127.0.0.1:8080/sources/iso_42005/feed.json');
    // Its home page is the source's section of the page (the feed's folder has no page of its own).
    expect(own.home_page_url).toBe('http://127.0.0.1:8080/#source-iso_42005');
    expect((await request(url('/'))).text).toContain('<section id="source-iso_42005"');
    expect((await request(url('/sources/iso_42005/'))).status).toBe(404);
    expect(own.items.length).toBe(64); // 63 synthetic items (every 4th) and FDIS_42005, under feedItems (100)
    expect(alongside.items.length).toBe(63); // 62 synthetic and FDIS_42005
  });

  it.each([
    ['feed.xml', 'application/rss+xml; charset=utf-8', '<rss'],
    ['feed.atom', 'application/atom+xml; charset=utf-8', '<feed'],
  ])('%s is typed %s, cached like the main feeds and answers 304', async (file, type, root) => {
    const res = await request(url(`/sources/iso_42001/${file}`));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.text).toContain(root);
    expect(res.text).toContain(REALISTIC_OLDEST_FIRST[0]!.summary);
    expect(res.headers['last-modified']).toBe(new Date(REALISTIC_OLDEST_FIRST[0]!.observedAt).toUTCString());
    const again = await request(url(`/sources/iso_42001/${file}`), { headers: { 'If-None-Match': res.headers.etag! } });
    expect(again.status).toBe(304);
  });

  it('answers an unknown source with 404 naming it', async () => {
    const res = await request(url('/sources/iso_99999/feed.xml'));
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text)).toMatchObject({ parameter: 'source' });
    expect(JSON.parse(res.text).error).toContain('iso_99999');
  });
});

describe('/changes.json with a query', () => {
  async function changes(query: string): Promise<{ status: number; body: { items: Item[]; nextCursor: number | null; generatedAt: string }; link?: string }> {
    const res = await request(url(`/changes.json?${query}`));
    const link = res.headers.link;
    return { status: res.status, body: JSON.parse(res.text), ...(typeof link === 'string' ? { link } : {}) };
  }

  it('filters by min-severity from the store, newest first, in the shape of spec/outputs.md plus nextCursor', async () => {
    const { status, body } = await changes('min-severity=major&limit=1000');
    expect(status).toBe(200);
    const { nextCursor, ...file } = body;
    expect(changesFileSchema.safeParse(file).success).toBe(true);
    expect(nextCursor).toBeNull();
    expect(body.items.length).toBe(76); // 75 synthetic majors and criticals, and FDIS_42005
    expect(body.items.every((i) => i.severity === 'major' || i.severity === 'critical')).toBe(true);
    expect(body.items[0]!.id).toBe(FDIS_42005.id);
    const times = body.items.map((i) => i.observedAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by source and since', async () => {
    const { body } = await changes('source=iso_42006&since=2025-01-01');
    expect(body.items.map((i) => i.id)).toEqual([REALISTIC_OLDEST_FIRST[1]!.id]);
    const { body: later } = await changes('since=2025-03-09T06:00:03Z');
    expect(later.items.map((i) => i.id)).toEqual([FDIS_42005.id, REALISTIC_OLDEST_FIRST[1]!.id]);
  });

  it('pages through everything with the cursor: no item twice, none missed, a Link to the next page', async () => {
    const seen: string[] = [];
    let query = 'limit=100';
    let pages = 0;
    for (;;) {
      const { body, link } = await changes(query);
      pages += 1;
      seen.push(...body.items.map((i) => i.id));
      if (body.nextCursor === null) {
        expect(link).toBeUndefined();
        break;
      }
      // Relative to the request: under a proxy's path prefix it stays there.
      expect(link).toBe(`<changes.json?limit=100&cursor=${body.nextCursor}>; rel="next"`);
      query = `limit=100&cursor=${body.nextCursor}`;
    }
    expect(pages).toBe(3);
    expect(seen.length).toBe(253);
    expect(new Set(seen).size).toBe(253);
  });

  it.each([
    ['min-severity=huge', 'min-severity', 'must be one of critical, major, minor, info, baseline'],
    ['since=yesterday', 'since', 'must be a date'],
    ['since=2025-13-45', 'since', 'must be a date'],
    ['since=2025-06-01T06:00:00', 'since', 'with a zone'],
    // Real calendar dates and times only: Date.parse reads 2025-02-30 as 2 March.
    ['since=2025-02-30', 'since', 'must be a date'],
    ['since=2025-02-29', 'since', 'must be a date'],
    ['since=2025-04-31', 'since', 'must be a date'],
    ['since=2025-02-30T06:00:00Z', 'since', 'must be a date'],
    ['since=2025-06-01T24:00:00Z', 'since', 'must be a date'],
    ['since=2025-06-01T06:60:00Z', 'since', 'must be a date'],
    ['since=2025-06-01T06:00:00%2B24:00', 'since', 'must be a date'],
    ['since=2025-06-01T06:00:00+01:00', 'since', 'write the "+" of "+01:00" as %2B'],
    ['cursor=abc', 'cursor', 'nextCursor'],
    ['cursor=-5', 'cursor', 'nextCursor'],
    ['limit=0', 'limit', 'from 1 to 1000'],
    ['limit=5000', 'limit', 'from 1 to 1000'],
    ['source=iso_99999', 'source', 'not a configured source'],
    ['min_severity=major', 'min_severity', 'not a parameter'],
    ['source=iso_42005&source=iso_42006', 'source', 'more than once'],
  ])('answers %s with 400 naming the parameter', async (query, parameter, message) => {
    const res = await request(url(`/changes.json?${query}`));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(res.text);
    expect(body.parameter).toBe(parameter);
    expect(body.error).toContain(`${parameter}: `);
    expect(body.error).toContain(message);
  });

  it('accepts a leap day and a zone offset, as the instant they name', async () => {
    expect((await changes('since=2024-02-29')).status).toBe(200);
    const offset = await changes('since=2025-03-09T07:00:03%2B01:00');
    expect(offset.body.items.map((i) => i.id)).toEqual((await changes('since=2025-03-09T06:00:03Z')).body.items.map((i) => i.id));
  });

  it('has validators: the same query answers 304 to its ETag', async () => {
    const first = await request(url('/changes.json?min-severity=critical'));
    const again = await request(url('/changes.json?min-severity=critical'), { headers: { 'If-None-Match': first.headers.etag! } });
    expect(again.status).toBe(304);
  });
});

describe('/healthz', () => {
  it('reports the schedule, the next run, the last run and each source', async () => {
    const res = await request(url('/healthz'));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(res.text);
    expect(body.schedule).toEqual({ cron: '0 6 * * *', timezone: 'UTC', nextRun: '2025-03-11T06:00:00.000Z' });
    expect(body.status).toBe('degraded');
    expect(body.lastRun).toBeNull();
    // the seeded store's runs were recorded by earlier processes: the newest survives a restart
    expect(body.lastRecordedRun).toMatchObject({ trigger: expect.any(String), finishedAt: expect.any(String), outcome: 'ok' });
    expect(body.manualRefresh).toBe(true);
    expect(body.sources.map((s: { id: string }) => s.id)).toEqual(['iso_42005', 'iso_42006', 'iso_42001', 'iso_opendata']);
    expect(body.sources[1]).toMatchObject({ state: 'degraded', lastVerdict: 'unreadable', consecutiveFailures: 3 });
    expect(body.sources[2]).toMatchObject({ state: 'never-checked', lastCheckedAt: null });

    const start = await server.runner.start('schedule');
    expect(start.started).toBe(true);
    if (start.started) await start.done;
    const after = JSON.parse((await request(url('/healthz'))).text);
    expect(after.lastRun).toMatchObject({ trigger: 'schedule', outcome: 'ok', runId: 99, startedAt: '2025-03-11T05:00:00.000Z' });
  });
});

describe('cache policy and content negotiation, as units', () => {
  it('caches a minute at most (a manual refresh shows within it), less when the next scheduled refresh is sooner', () => {
    const now = new Date('2025-03-11T05:00:00Z');
    expect(feedMaxAge(now, new Date('2025-03-11T06:00:00Z'))).toBe(60);
    expect(feedMaxAge(now, new Date('2025-03-11T05:00:10Z'))).toBe(10);
    expect(feedMaxAge(now, new Date('2025-03-11T04:59:00Z'))).toBe(1);
    expect(feedMaxAge(now, new Date('2025-03-20T05:00:00Z'))).toBe(60);
    expect(feedMaxAge(now, null)).toBe(60);
  });

  it.each([
    [undefined, false],
    ['gzip', true],
    ['GZIP;q=0.5', true],
    ['gzip;q=0', false],
    ['br, deflate', false],
    ['*', true],
    ['*;q=0, gzip', true],
    ['identity, *;q=0', false],
  ])('Accept-Encoding %s → gzip %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe('views of a store with checks but no items yet', () => {
  let empty: TestServer;
  beforeAll(async () => {
    empty = await startTestServer({ items: [] });
  });
  afterAll(async () => empty?.close());

  it('are dated by the newest check of the sources they cover, never 1970', async () => {
    const at = (path: string) => request(new URL(path, empty.url).href);
    const filtered = await at('/feed.xml?min-severity=critical');
    expect(filtered.text).toContain('<lastBuildDate>Mon, 10 Mar 2025 06:00:20 GMT</lastBuildDate>'); // iso_42006's check, the newest
    expect(filtered.headers['last-modified']).toBe('Mon, 10 Mar 2025 06:00:20 GMT');
    const ownFeed = await at('/sources/iso_42005/feed.atom');
    expect(ownFeed.text).toContain('<updated>2025-03-10T06:00:12.000Z</updated>'); // its own source's check
    const page = JSON.parse((await at('/changes.json?limit=5')).text) as { generatedAt: string; items: unknown[] };
    expect([page.generatedAt, page.items]).toEqual(['2025-03-10T06:00:20.000Z', []]);
  });
});
