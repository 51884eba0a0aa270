import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';
import { startReceiver, type Receiver } from './notify-receiver.js';

// WebSub through refresh: with websubHub set, the RSS and Atom feeds name the hub beside themselves,
// and a publish that changed a feed tells the hub of each feed that changed (the published ones and
// those of the sources with new items); a publish that changed none tells it nothing.

const PAGE = '/standard/85870.html';
const PUBLIC = 'https://feeds.example.org/regwatch/';

describeWithFixtures('WebSub: hub links in the feeds, and a ping per changed feed after a refresh', () => {
  let h: Harness;
  let hub: Receiver;

  beforeAll(async () => {
    hub = await startReceiver();
    h = await startHarness('websub', (origin) => [{ id: 'iso_14460', watcher: 'iso-page', url: `${origin}${PAGE}` }], {
      websubHub: hub.url('/hub'),
      publicUrl: PUBLIC,
    });
  });
  afterAll(async () => {
    await h?.close();
    await hub?.close();
  });

  const pinged = () => hub.received.map((r) => Object.fromEntries(new URLSearchParams(r.body.toString('utf8'))));

  it('the feeds carry rel=hub and rel=self; the hub is told of every changed feed', async () => {
    h.server.routes.set(PAGE, { file: fixturePath('iso-pages', 'iso-85870-2022-12-01.html') });
    const { result } = await h.refreshAt('2026-01-01T06:00:00.000Z');
    expect(result.notified).toMatchObject({ pinged: 6, pingFailed: 0 });
    expect(hub.received.every((r) => r.method === 'POST' && r.headers['content-type'] === 'application/x-www-form-urlencoded')).toBe(true);
    expect(pinged()).toEqual([
      ...['feed.xml', 'feed.atom', 'feed.json'].map((f) => ({ 'hub.mode': 'publish', 'hub.url': `${PUBLIC}${f}` })),
      ...['feed.xml', 'feed.atom', 'feed.json'].map((f) => ({ 'hub.mode': 'publish', 'hub.url': `${PUBLIC}sources/iso_14460/${f}` })),
    ]);
    const rss = load(readFileSync(join(h.dataDir, 'public', 'feed.xml'), 'utf8'), { xml: true });
    expect(rss('channel > atom\\:link[rel="hub"]').attr('href')).toBe(hub.url('/hub'));
    expect(rss('channel > atom\\:link[rel="self"]').attr('href')).toBe(`${PUBLIC}feed.xml`);
    const atom = load(readFileSync(join(h.dataDir, 'public', 'feed.atom'), 'utf8'), { xml: true });
    expect(atom('feed > link[rel="hub"]').attr('href')).toBe(hub.url('/hub'));
    expect(atom('feed > link[rel="self"]').attr('href')).toBe(`${PUBLIC}feed.atom`);
  });

  it('a refresh that changed no feed tells the hub nothing; a hub that fails is reported, not fatal', async () => {
    const before = hub.received.length;
    const same = await h.refreshAt('2026-01-02T06:00:00.000Z');
    expect(same.result.notified).toMatchObject({ pinged: 0, pingFailed: 0 });
    expect(hub.received.length).toBe(before);

    h.server.routes.set(PAGE, { file: fixturePath('iso-pages', 'iso-85870-2023-02-03.html') });
    for (let i = 0; i < 6; i++) hub.replies.push({ status: 503 });
    const changed = await h.refreshAt('2026-01-03T06:00:00.000Z');
    expect(changed.result.outcomes.map((o) => o.verdict)).toEqual(['changed']);
    expect(changed.result.notified).toMatchObject({ pinged: 0, pingFailed: 6 });
    expect(changed.added.map((i) => i.event)).toEqual(['dis-ballot']);
  });
});
