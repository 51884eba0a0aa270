import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/store/store.js';
import { publishFromStore } from '../src/publish/from-store.js';
import { changesPage } from '../src/server/changes-route.js';
import { storeFeed } from '../src/server/source-feeds-route.js';
import type { Item } from '../src/model/item.js';
import { insertItems, serveConfig } from './serve-seed.js';
import { BASELINE_42001, FDIS_42005, SITE } from './publish-items.js';

// A run files its items in document-key order, not in the order its hosts answered: the newest item
// (by position) can be older than another of the same run. Every view is dated by the most recently
// observed item it holds, so a date read as a high-water mark (since=) is never behind an item.

const EARLIER = '2025-03-10T06:00:01.000Z';
const LATER = '2025-03-10T06:00:09.000Z';

describe('the date of a view when a run’s items are not in time order', () => {
  let dir: string;
  let store: Store;
  const config = serveConfig();
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'regwatch-view-date-'));
    store = openStore(join(dir, 'regwatch.sqlite'));
    const first: Item = { ...FDIS_42005, observedAt: LATER };
    const second: Item = { ...BASELINE_42001, source: FDIS_42005.source, observedAt: EARLIER };
    insertItems(store, [first, second]); // second is newest by position, first was observed later
  });
  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the published changes.json and feeds', async () => {
    await publishFromStore(store, config, join(dir, 'public'), SITE);
    const changes = JSON.parse(readFileSync(join(dir, 'public', 'changes.json'), 'utf8')) as { generatedAt: string; items: Item[] };
    expect(changes.items.map((i) => i.observedAt)).toEqual([EARLIER, LATER]);
    expect(changes.generatedAt).toBe(LATER);
    expect(readFileSync(join(dir, 'public', 'feed.xml'), 'utf8')).toContain(`<lastBuildDate>${new Date(LATER).toUTCString()}</lastBuildDate>`);
    // The Atom feed's own <updated> (before its first entry), not that entry's.
    const atom = readFileSync(join(dir, 'public', 'feed.atom'), 'utf8');
    expect(atom.slice(0, atom.indexOf('<entry>'))).toContain(`<updated>${LATER}</updated>`);
  });

  it('a page of /changes.json and a source’s feed', () => {
    const page = changesPage(
      store,
      { limit: 1 },
      config.sources.map((s) => s.id),
    );
    expect(JSON.parse(page.rep.body.toString()).generatedAt).toBe(LATER);
    const feed = storeFeed({ store, config, site: SITE }, { source: FDIS_42005.source }, 'feed.json')!;
    expect(feed.lastModified.toISOString()).toBe(LATER);
  });
});
