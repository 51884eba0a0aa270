import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { databasePath } from '../src/runtime/open-runtime.js';
import { openStore, type Store } from '../src/store/store.js';
import { publishFromStore } from '../src/publish/from-store.js';
import { publishStatePath } from '../src/publish/publish-state.js';
import { PUBLISHED_FILES } from '../src/publish/index.js';
import { insertItems, REALISTIC_OLDEST_FIRST, recordHealth, serveConfig, syntheticItem } from './serve-seed.js';
import { SITE } from './publish-items.js';

// A publish whose items, site and limits are those the feeds were rendered from renders
// sources.json alone; these check that the shortcut never leaves a file other than a full publish
// would have written it.

const config = serveConfig();
let dataDir: string;
let publicDir: string;
let store: Store;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'regwatch-publish-state-'));
  publicDir = join(dataDir, 'public');
  store = openStore(databasePath(dataDir));
  insertItems(store, REALISTIC_OLDEST_FIRST);
  check('2025-03-10T06:00:12.000Z');
});

afterEach(() => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function check(at: string): void {
  recordHealth(store, 'iso_42005', 'https://www.iso.org/standard/44545.html', { verdict: 'changed', at });
}

function publishedBytes(): Record<string, string> {
  return Object.fromEntries(PUBLISHED_FILES.map((name) => [name, readFileSync(join(publicDir, name), 'utf8')]));
}

/** What a full publish writes now: the shortcut's files must be exactly these. */
async function fullPublishBytes(): Promise<Record<string, string>> {
  const shadow = join(dataDir, 'shadow', 'public');
  const result = await publishFromStore(store, config, shadow, SITE);
  expect(result.written.sort()).toEqual([...PUBLISHED_FILES].sort());
  const bytes = Object.fromEntries(PUBLISHED_FILES.map((name) => [name, readFileSync(join(shadow, name), 'utf8')]));
  rmSync(join(dataDir, 'shadow'), { recursive: true });
  return bytes;
}

describe('publishing from the store when the items have not moved', () => {
  it('writes nothing when nothing changed, and only sources.json after a check that found nothing new', async () => {
    expect((await publishFromStore(store, config, publicDir, SITE)).written).toHaveLength(PUBLISHED_FILES.length);
    const first = publishedBytes();

    expect(await publishFromStore(store, config, publicDir, SITE)).toEqual({ written: [], unchanged: [...PUBLISHED_FILES] });

    check('2025-03-11T06:00:12.000Z');
    const readsItems = vi.spyOn(store, 'items');
    const again = await publishFromStore(store, config, publicDir, SITE);
    expect(again.written).toEqual(['sources.json']);
    expect(readsItems).not.toHaveBeenCalled(); // the shortcut: no item read, parsed or rendered
    readsItems.mockRestore();
    const now = publishedBytes();
    expect(now['sources.json']).toContain('2025-03-11T06:00:12.000Z');
    expect(now['feed.xml']).toBe(first['feed.xml']);
    expect(now).toEqual(await fullPublishBytes());
  });

  it('renders the feeds again when an item arrives, the site or a limit changes', async () => {
    await publishFromStore(store, config, publicDir, SITE);

    insertItems(store, [syntheticItem(9_000_000)]);
    expect((await publishFromStore(store, config, publicDir, SITE)).written).toContain('feed.xml');
    expect(publishedBytes()['feed.json']).toContain('synthetic change 9000000');

    const renamed = { ...SITE, title: 'Another watch list' };
    expect((await publishFromStore(store, config, publicDir, renamed)).written).toEqual(expect.arrayContaining(['feed.xml', 'feed.atom', 'feed.json']));
    expect(publishedBytes()['feed.xml']).toContain('Another watch list');

    const fewer = { ...config, feedItems: 1 };
    expect((await publishFromStore(store, fewer, publicDir, renamed)).written).toEqual(expect.arrayContaining(['feed.xml', 'feed.atom', 'feed.json']));
    expect(JSON.parse(publishedBytes()['feed.json']!).items).toHaveLength(1);
  });

  it('puts back a published file that was edited or deleted, and survives a torn or foreign record', async () => {
    await publishFromStore(store, config, publicDir, SITE);
    const first = publishedBytes();

    appendFileSync(join(publicDir, 'feed.xml'), '<!-- edited -->');
    unlinkSync(join(publicDir, 'changes.json'));
    expect((await publishFromStore(store, config, publicDir, SITE)).written.sort()).toEqual(['changes.json', 'feed.xml']);
    expect(publishedBytes()).toEqual(first);

    for (const record of ['{"inputs":', '[]', '{"inputs":"x","files":{}}']) {
      writeFileSync(publishStatePath(publicDir), record);
      expect(await publishFromStore(store, config, publicDir, SITE)).toEqual({ written: [], unchanged: [...PUBLISHED_FILES] });
      expect(publishedBytes()).toEqual(first);
    }
    expect(publishStatePath(publicDir)).toBe(join(dataDir, 'publish-state.json'));
  });

  it('publishes even when the record cannot be written (a folder in its place): the next publish is a full one', async () => {
    mkdirSync(publishStatePath(publicDir));
    expect((await publishFromStore(store, config, publicDir, SITE)).written).toHaveLength(PUBLISHED_FILES.length);
    const readsItems = vi.spyOn(store, 'items');
    expect((await publishFromStore(store, config, publicDir, SITE)).written).toEqual([]);
    expect(readsItems).toHaveBeenCalled(); // no record: rendered in full, the same bytes
  });
});
