import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/index.js';
import { openStore } from '../src/store/store.js';
import { refresh } from '../src/pipeline/refresh.js';
import { databasePath, siteFor } from '../src/runtime/open-runtime.js';
import type { Fetcher } from '../src/fetch/fetcher.js';
import { killedRefresh } from './helpers/killed-refresh.js';
import { startFixtureServer, type FixtureServer } from './fixture-server.js';
import { selectRows, writeRow } from './helpers/database-file.js';

// What a killed refresh leaves behind (a half-downloaded dump in <data>/tmp, a publish temp file in
// <data>/public, a run row that never finished) is removed and closed by the next refresh, first.

const CLOCK = '2026-03-01T06:00:00.000Z';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regwatch-cleanup-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every source unreadable: a refresh that touches no network and changes no baseline. */
const offline: Fetcher = {
  get: async (url) => ({ kind: 'unreadable', reason: 'offline (test)', code: 'TEST_OFFLINE', url, fetchedAt: CLOCK }),
  close: async () => {},
};

const config = parseConfig({ sources: [{ id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html' }] });

async function refreshOnce(dir: string): Promise<{ runId: number; lines: string[] }> {
  const store = openStore(databasePath(dir));
  const lines: string[] = [];
  try {
    const result = await refresh(
      { config, store, fetcher: offline, now: () => new Date(CLOCK), dataDir: dir, site: siteFor(config), progress: (line) => lines.push(line) },
      { trigger: 'test' },
    );
    return { runId: result.runId, lines };
  } finally {
    store.close();
  }
}

function runs(dir: string): Array<{ id: number; finished_at: string | null; outcome: string | null }> {
  return selectRows(databasePath(dir), 'SELECT id, finished_at, outcome FROM runs ORDER BY id');
}

describe('the start of a refresh', () => {
  it('removes stale spool and publish temp files, keeps everything else, and says what it removed', async () => {
    const dir = dataDir();
    mkdirSync(join(dir, 'tmp'));
    mkdirSync(join(dir, 'public'));
    writeFileSync(join(dir, 'tmp', 'iso_catalogue-7.download'), Buffer.alloc(3 * 1024 * 1024));
    writeFileSync(join(dir, 'public', '.feed.xml.0123456789ab.tmp'), '<rss');
    writeFileSync(join(dir, 'public', 'feed.xml'), '<rss/>');
    writeFileSync(join(dir, 'tmp', 'operator-notes.txt'), 'not ours');

    const { lines } = await refreshOnce(dir);

    expect(readdirSync(join(dir, 'tmp'))).toEqual(['operator-notes.txt']);
    expect(readdirSync(join(dir, 'public')).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(existsSync(join(dir, 'public', 'feed.xml'))).toBe(true);
    expect(lines[0]).toBe('cleanup: removed 2 file(s) a killed refresh left (3.0 MB): tmp/iso_catalogue-7.download, public/.feed.xml.0123456789ab.tmp');
  });

  it('closes runs that never finished as interrupted, not the current one, and says which', async () => {
    const dir = dataDir();
    const store = openStore(databasePath(dir));
    const left = store.beginRun('cli', '2026-02-28T06:00:00.000Z');
    writeRow(
      store.path,
      "INSERT INTO checks (run_id, source_id, checked_at, verdict, url) VALUES (?, 'a', '2026-02-28T06:00:09.000Z', 'unchanged', 'u')",
      left,
    );
    const done = store.beginRun('cli', '2026-02-28T07:00:00.000Z');
    store.finishRun(done, '2026-02-28T07:00:05.000Z', 'ok');
    store.close();

    const { runId, lines } = await refreshOnce(dir);

    expect(runs(dir)).toEqual([
      // its last sign of life: the last check it stored
      { id: left, finished_at: '2026-02-28T06:00:09.000Z', outcome: 'interrupted' },
      { id: done, finished_at: '2026-02-28T07:00:05.000Z', outcome: 'ok' },
      { id: runId, finished_at: CLOCK, outcome: '1 source(s) not checked' },
    ]);
    expect(lines[0]).toBe(`cleanup: run ${left} never finished: closed as interrupted`);
  });

  it('says nothing when nothing was left behind', async () => {
    const dir = dataDir();
    const { lines } = await refreshOnce(dir);
    expect(lines.filter((l) => l.startsWith('cleanup:'))).toEqual([]);
  });
});

describe('a refresh SIGKILLed while it was reading a dump', () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await startFixtureServer();
    server.routes.set('/dump.jsonl', { body: Buffer.alloc(2 * 1024 * 1024, 'x') });
  });
  afterAll(async () => server?.close());

  it('leaves a spool file and an open run, which the next refresh removes and closes', async () => {
    const dir = dataDir();
    const configJson = JSON.stringify({
      allowPrivateNetwork: true,
      hostIntervalSeconds: 0,
      sources: [{ id: 'dump', watcher: 'iso-opendata', url: `${server.origin}/dump.jsonl`, committees: ['ISO/IEC JTC 1/SC 42'] }],
    });
    await killedRefresh(dir, configJson, CLOCK, 'fetch');
    expect(readdirSync(join(dir, 'tmp'))).toEqual(['dump-1.download']);
    expect(runs(dir)).toEqual([{ id: 1, finished_at: null, outcome: null }]);

    const { lines } = await refreshOnce(dir);

    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(runs(dir)[0]).toMatchObject({ id: 1, outcome: 'interrupted' });
    expect(lines.slice(0, 2)).toEqual([
      'cleanup: removed 1 file(s) a killed refresh left (2.0 MB): tmp/dump-1.download',
      'cleanup: run 1 never finished: closed as interrupted',
    ]);
  });
});
