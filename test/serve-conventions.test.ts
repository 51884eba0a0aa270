import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from 'cheerio';
import { deliveryId } from '../src/notify/index.js';
import { publicUrlMismatch } from '../src/server/public-url-check.js';
import { BASELINE_42001, FDIS_42005, HEALTH_42006 } from './publish-items.js';
import { request, serveConfig, startTestServer, type TestServer } from './serve-seed.js';

// Issue 12's conventions for what serve answers: feeds filtered by severity (and a bad filter named,
// never ignored), any origin may read the public data, a minute of caching at most, and /healthz
// counting notifications without a secret.

const HOOK_PATH_SECRET = '/T0000/B0000/hook-path-secret';

let server: TestServer;
beforeAll(async () => {
  const config = serveConfig({
    notify: [
      { id: 'ops-hook', type: 'webhook', url: `https://hooks.example.org${HOOK_PATH_SECRET}`, secretEnv: 'OPS_HOOK_SECRET' },
      { id: 'team-slack', type: 'slack', urlEnv: 'TEAM_SLACK_URL' },
    ],
  });
  server = await startTestServer({ config });
  const deliveries = server.store.deliveries;
  deliveries.enqueue(
    [
      { channelId: 'ops-hook', key: deliveryId('ops-hook', FDIS_42005.id), itemIds: [FDIS_42005.id] },
      { channelId: 'ops-hook', key: deliveryId('ops-hook', HEALTH_42006.id), itemIds: [HEALTH_42006.id] },
      { channelId: 'team-slack', key: deliveryId('team-slack', FDIS_42005.id), itemIds: [FDIS_42005.id] },
    ],
    '2025-03-10T06:00:30.000Z',
  );
  const [dead] = deliveries.list({ channelId: 'ops-hook' });
  deliveries.markDead(dead!.id, '2025-03-10T07:00:00.000Z', 'NOTIFY_HTTP_STATUS', 'notify: POST https://hooks.example.org/… returned 410: gone');
});
afterAll(async () => server?.close());

const url = (path: string) => new URL(path, server.url).href;

describe('feeds filtered by severity', () => {
  it('?min-severity=major on the JSON Feed: only critical and major items, and a self link that says so', async () => {
    const res = await request(url('/feed.json?min-severity=major'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/feed+json; charset=utf-8');
    const feed = JSON.parse(res.text) as { feed_url: string; title: string; items: Array<{ id: string }> };
    expect(feed.items.map((i) => i.id)).toEqual([FDIS_42005.id]);
    expect(feed.feed_url).toBe('http://127.0.0.1:8080/feed.json?min-severity=major');
    const info = JSON.parse((await request(url('/feed.json?min-severity=info'))).text) as { items: Array<{ id: string }> };
    expect(info.items.map((i) => i.id)).toEqual([FDIS_42005.id, HEALTH_42006.id]);
    const all = JSON.parse((await request(url('/feed.json?min-severity=baseline'))).text) as { items: Array<{ id: string }> };
    expect(all.items.map((i) => i.id)).toEqual([FDIS_42005.id, HEALTH_42006.id, BASELINE_42001.id]);
  });

  it('the same for RSS and Atom, and for one source’s feeds', async () => {
    const rss = load((await request(url('/feed.xml?min-severity=major'))).text, { xml: true });
    expect(
      rss('item > guid')
        .map((_, g) => rss(g).text())
        .get(),
    ).toEqual([FDIS_42005.id]);
    expect(rss('channel > atom\\:link[rel="self"]').attr('href')).toBe('http://127.0.0.1:8080/feed.xml?min-severity=major');
    const atom = load((await request(url('/feed.atom?min-severity=critical'))).text, { xml: true });
    expect(atom('entry').length).toBe(0);
    expect(atom('feed > id').text()).toBe('http://127.0.0.1:8080/feed.atom?min-severity=critical');
    const ofSource = JSON.parse((await request(url('/sources/iso_42006/feed.json?min-severity=info'))).text) as {
      feed_url: string;
      items: Array<{ id: string }>;
    };
    expect(ofSource.items.map((i) => i.id)).toEqual([HEALTH_42006.id]);
    expect(ofSource.feed_url).toBe('http://127.0.0.1:8080/sources/iso_42006/feed.json?min-severity=info');
    expect(JSON.parse((await request(url('/sources/iso_42006/feed.json?min-severity=major'))).text).items).toEqual([]);
  });

  it.each([
    ['/feed.xml?min-severity=urgent', 'min-severity', 'must be one of critical, major, minor, info, baseline'],
    ['/feed.atom?min_severity=major', 'min_severity', 'is not a parameter of the feeds (min-severity)'],
    ['/feed.json?min-severity=major&min-severity=info', 'min-severity', 'is given more than once'],
    ['/sources/iso_42005/feed.xml?min-severity=', 'min-severity', 'must be one of'],
  ])('%s answers 400 naming the parameter', async (path, parameter, message) => {
    const res = await request(url(path));
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as { error: string; parameter: string };
    expect(body.parameter).toBe(parameter);
    expect(body.error).toContain(message);
  });

  it('an unfiltered feed is still the published file, byte for byte', async () => {
    const published = await request(url('/feed.xml'));
    const again = await request(url('/feed.xml?'));
    expect(again.body.equals(published.body)).toBe(true);
  });
});

describe('CORS and caching', () => {
  it.each(['/feed.xml', '/feed.json?min-severity=major', '/changes.json', '/changes.json?limit=1', '/sources.json', '/sources/iso_42005/feed.atom'])(
    '%s may be read by any origin and is cached a minute at most',
    async (path) => {
      const res = await request(url(path), { headers: { Origin: 'https://reference.example.org' } });
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-expose-headers']).toBe('ETag, Link');
      expect(res.headers['cache-control']).toBe('public, max-age=60');
    },
  );

  it('a preflight for a conditional GET is answered; /healthz and the page are not shared', async () => {
    const preflight = await request(url('/changes.json'), {
      method: 'OPTIONS',
      headers: { Origin: 'https://x.example', 'Access-Control-Request-Headers': 'if-none-match' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-headers']).toBe('If-None-Match, If-Modified-Since');
    for (const path of ['/healthz', '/']) {
      expect((await request(url(path))).headers['access-control-allow-origin']).toBeUndefined();
    }
    expect((await request(url('/healthz'), { method: 'OPTIONS' })).status).toBe(405);
  });
});

describe('/healthz and notifications', () => {
  it('counts pending and dead deliveries per channel, and names neither targets nor error text (anyone may read it)', async () => {
    const res = await request(url('/healthz'));
    const body = JSON.parse(res.text) as { notify: { pending: number; dead: number; channels: Array<Record<string, unknown>> } };
    expect(body.notify).toEqual({
      pending: 2,
      dead: 1,
      channels: [
        {
          id: 'ops-hook',
          type: 'webhook',
          configured: true,
          pending: 1,
          sent: 0,
          dead: 1,
          nextAttemptAt: '2025-03-10T06:00:30.000Z',
          lastCode: 'NOTIFY_HTTP_STATUS',
        },
        { id: 'team-slack', type: 'slack', configured: true, pending: 1, sent: 0, dead: 0, nextAttemptAt: '2025-03-10T06:00:30.000Z', lastCode: null },
      ],
    });
    for (const hidden of ['hook-path-secret', 'hooks.example.org', 'TEAM_SLACK_URL', 'gone']) expect(res.text).not.toContain(hidden);
  });
});

describe('publicUrl against where serve listens', () => {
  it.each([
    ['http://127.0.0.1:8080/', '127.0.0.1', 8080, null],
    ['http://localhost:8080/', '127.0.0.1', 8080, null],
    ['http://192.168.1.5:8080/', '0.0.0.0', 8080, null],
    ['https://feeds.example.org/', '127.0.0.1', 8080, null],
    [
      'http://127.0.0.1:8080/',
      '127.0.0.1',
      9090,
      "publicUrl is http://127.0.0.1:8080/, but this server listens on 127.0.0.1:9090: the feeds' self and home links (and the WebSub topics) point to publicUrl, not to this server",
    ],
    ['http://127.0.0.1:8080/', '192.168.1.5', 8080, 'but this server listens on 192.168.1.5:8080'],
    ['http://[::1]/', '::1', 8080, 'but this server listens on [::1]:8080'],
    ['http://127.0.0.1:8080/regwatch/', '127.0.0.1', 8080, 'but this server answers at http://127.0.0.1:8080/, not under /regwatch/'],
    ['https://feeds.example.org/regwatch/', '127.0.0.1', 8080, null],
  ])('%s, serving on %s:%d', (publicUrl, host, port, warning) => {
    const said = publicUrlMismatch(publicUrl, host, port);
    if (warning === null) expect(said).toBeNull();
    else expect(said).toContain(warning);
  });
});
