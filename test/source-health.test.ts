import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'cheerio';
import type { Store } from '../src/store/store.js';
import type { RefreshResult } from '../src/pipeline/refresh.js';
import type { SourceReport } from '../src/model/source-report.js';
import { startHarness, type Harness } from './harness.js';
import type { FixtureServer, Route } from './fixture-server.js';
import { describeWithFixtures, fixturePath, readFixture } from './fixtures.js';

// A failure is never a change. Sources whose pages break in every way a server can break them end in
// the right verdict, publish no change, and do not stop the other sources of the same run; a source
// that keeps failing publishes one source-health item, and one more when it recovers.

const PAGE = '/standard/53798.html';
const GOOD = '/standard/85870.html';

function redesigned(): string {
  // The real page with its detail and life-cycle blocks gone: what a redesign looks like to the watcher.
  const $ = load(readFixture('iso-pages', 'iso-53798-2024-02-02.html'));
  $('#product-details, #lifecycle').remove();
  return $.html();
}

function cutShort(): string {
  // Its amendments and replaced edition sit in the part that is lost: read as it is, they would be removed.
  const page = readFixture('iso-pages', 'iso-53798-2024-02-02.html');
  return page.slice(0, Math.floor(page.length * 0.4));
}

/** Built once the fixtures are known to be present (one row is a real page made to look redesigned). */
function breakages(): Array<[string, Route, 'unreadable' | 'extraction-failed', RegExp]> {
  return [
    ['403', { status: 403, body: 'Forbidden' }, 'unreadable', /returned 403/],
    ['a 202 challenge with an empty body', { status: 202, body: '' }, 'unreadable', /202/],
    ['a 200 captcha page', { body: '<html><head><title>Just a moment...</title></head><body>Verify you are human</body></html>' }, 'unreadable', /./],
    [
      'garbage bytes',
      { body: Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37, 0x00, 0x42]), headers: { 'content-type': 'application/octet-stream' } },
      'unreadable',
      /./,
    ],
    ['a redesigned page', { body: redesigned() }, 'extraction-failed', /stage/],
    ['the page cut short (a connection closed early, a server failing mid-render)', { body: cutShort() }, 'unreadable', /cut short/],
    [
      'another site’s page at the same path',
      { file: fixturePath('iec', 'iec-pub-160-2023-02-03.html') },
      'unreadable',
      /^extract: iso-page: not an iso\.org page/,
    ],
  ];
}

describeWithFixtures('a failure is never a change', () => {
  const BREAKAGES = breakages();
  let h: Harness;
  let server: FixtureServer;
  let dataDir: string;
  let store: Store;

  async function run(day: number): Promise<RefreshResult> {
    return (await h.refreshAt(new Date(Date.UTC(2026, 1, day, 6)))).result;
  }

  beforeAll(async () => {
    h = await startHarness(
      'health',
      (origin) => [
        { id: 'fragile', watcher: 'iso-page', url: `${origin}${PAGE}` },
        { id: 'steady', watcher: 'iso-page', url: `${origin}${GOOD}` },
      ],
      { degradedAfter: 3 },
    );
    ({ server, dataDir, store } = h);
  });

  afterAll(async () => h?.close());

  it('baselines both sources on a good day', async () => {
    server.routes.set(PAGE, { file: fixturePath('iso-pages', 'iso-53798-2024-02-02.html') });
    server.routes.set(GOOD, { file: fixturePath('iso-pages', 'iso-85870-2022-12-01.html') });
    const result = await run(1);
    expect(result.outcomes.map((o) => o.verdict)).toEqual(['changed', 'changed']);
  });

  it.each(BREAKAGES)('%s: the right verdict, no change item, and the other source still completes', async (_label, route, verdict, detail) => {
    server.routes.set(PAGE, route);
    const before = store.itemCount();
    const result = await run(2);
    const fragile = result.outcomes.find((o) => o.sourceId === 'fragile')!;
    expect(fragile.verdict).toBe(verdict);
    expect(fragile.detail).toMatch(detail);
    expect(result.outcomes.find((o) => o.sourceId === 'steady')!.verdict).toBe('unchanged');
    // no "withdrawn", no change of any kind: only (after degradedAfter failures) one source-health item
    const added = store.items({ limit: store.itemCount() - before }).items;
    expect(added.every((i) => i.event === 'source-health')).toBe(true);
    // the baseline is untouched: the document still reads as published
    const report = (JSON.parse(readFileSync(join(dataDir, 'public', 'sources.json'), 'utf8')) as { sources: SourceReport[] }).sources[0]!;
    expect(report.documents).toEqual([expect.objectContaining({ key: 'iso:53798', status: 'published', stage: '90.93' })]);
  });

  it('published exactly one source-health item when the failures reached degradedAfter, and shows degraded', () => {
    const health = store.items({ source: 'fragile' }).items.filter((i) => i.event === 'source-health');
    expect(health.map((i) => [i.severity, i.document, i.changes])).toEqual([['info', null, [{ field: 'source-state', before: 'ok', after: 'degraded' }]]]);
    expect(health[0]!.summary).toMatch(
      /^Source fragile degraded: 3 checks in a row failed .*\. The watched documents are unchanged as far as regwatch knows\.$/,
    );
    const report = (JSON.parse(readFileSync(join(dataDir, 'public', 'sources.json'), 'utf8')) as { sources: SourceReport[] }).sources[0]!;
    expect([report.state, report.consecutiveFailures]).toEqual(['degraded', BREAKAGES.length]);
  });

  it("the feeds show a source-health item with regwatch's own rights line, never the publisher's", () => {
    const publicDir = join(dataDir, 'public');
    const rss = load(readFileSync(join(publicDir, 'feed.xml'), 'utf8'), { xml: true });
    const rssHealth = rss('item').filter((_, item) => rss(item).find('category[domain$="/event"]').text() === 'source-health');
    expect(rssHealth.length).toBe(1);
    expect(rssHealth.find('dc\\:rights').text()).toBe('regwatch source-health notice: about the watcher, not the standard');
    const atom = load(readFileSync(join(publicDir, 'feed.atom'), 'utf8'), { xml: true });
    const atomRights = atom('entry')
      .map((_, entry) => atom(entry).find('rights').text())
      .get();
    expect(atomRights).toContain('regwatch source-health notice: about the watcher, not the standard');
    const json = JSON.parse(readFileSync(join(publicDir, 'feed.json'), 'utf8')) as {
      items: Array<{ _regwatch: { event: string; licence: { rights: string; tag: string } } }>;
    };
    const health = json.items.filter((i) => i._regwatch.event === 'source-health');
    expect(health.map((i) => i._regwatch.licence)).toEqual([
      expect.objectContaining({ tag: 'open-attribution', rights: 'regwatch source-health notice: about the watcher, not the standard' }),
    ]);
    expect(JSON.stringify(health)).not.toContain('ISO/IEC copyright');
  });

  it('publishes one recovery item when the page reads again, and no change for the document', async () => {
    server.routes.set(PAGE, { file: fixturePath('iso-pages', 'iso-53798-2024-02-02-192503.html') });
    const before = store.itemCount();
    const result = await run(3);
    expect(result.outcomes.map((o) => o.verdict)).toEqual(['unchanged', 'unchanged']);
    const added = store.items({ limit: store.itemCount() - before }).items;
    expect(added.map((i) => [i.event, i.changes[0]])).toEqual([['source-health', { field: 'source-state', before: 'degraded', after: 'ok' }]]);
    expect(store.sourceState('fragile')).toMatchObject({ degraded: false, consecutiveFailures: 0, lastVerdict: 'unchanged' });
  });
});

describeWithFixtures('a source that has never been read', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('never-read', (origin) => [{ id: 'missing', watcher: 'iso-page', url: `${origin}/standard/1.html` }], { degradedAfter: 2 });
    h.server.routes.set('/standard/1.html', { status: 404, body: 'not found' });
  });
  afterAll(async () => h?.close());

  const stateOf = () => (JSON.parse(readFileSync(join(h.dataDir, 'public', 'sources.json'), 'utf8')) as { sources: SourceReport[] }).sources[0]!;

  it('degrades without claiming anything about documents it never read', async () => {
    await h.refreshAt(new Date(Date.UTC(2026, 2, 1, 6)));
    // One failed check, below degradedAfter: not "ok", as nothing has been read.
    const first = stateOf();
    expect([first.state, first.consecutiveFailures, first.lastGoodCheckAt]).toEqual(['never-read', 1, null]);
    await h.refreshAt(new Date(Date.UTC(2026, 2, 2, 6)));
    expect(stateOf().state).toBe('degraded');
    const health = h.store.items({ source: 'missing' }).items;
    expect(health.map((i) => i.event)).toEqual(['source-health']);
    expect(health[0]!.summary).toMatch(/^Source missing degraded: 2 checks in a row failed \(last: .*404.*\)\. regwatch has not read its documents yet\.$/);
  });
});
