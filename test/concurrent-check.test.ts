import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/index.js';
import { openStore, type CheckWrite, type Store } from '../src/store/store.js';
import { BaselineMovedError } from '../src/store/baseline-moved-error.js';
import { refresh } from '../src/pipeline/refresh.js';
import { checkSource } from '../src/pipeline/check.js';
import type { CheckContext } from '../src/pipeline/context.js';
import { watchedSource } from '../src/pipeline/sources.js';
import { runWatch } from '../src/pipeline/watch.js';
import { databasePath, siteFor } from '../src/runtime/open-runtime.js';
import type { Fetcher } from '../src/fetch/fetcher.js';
import { countRows, selectRows } from './helpers/database-file.js';
import { checkState } from './helpers/check-state.js';

// Two refreshes that both believe they hold the lock (two containers, one of them frozen past its
// lease) must not both apply a check of one source: a check's write is refused when the source's
// state moved since the check read it (a revision on source_state), and nothing of it is written.

const CLOCK = '2026-03-01T06:00:00.000Z';
const dirs: string[] = [];
const stores: Store[] = [];
function open(dir: string): Store {
  const store = openStore(databasePath(dir));
  stores.push(store);
  return store;
}
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regwatch-concurrent-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const config = parseConfig({ sources: [{ id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html' }] });
const source = config.sources[0]!;

const offline: Fetcher = {
  get: async (url) => ({ kind: 'unreadable', reason: 'fetch: offline (test)', code: 'TEST_OFFLINE', url, fetchedAt: CLOCK }),
  close: async () => {},
};

function failedCheck(runId: number, readRevision: number, failures: number): CheckWrite {
  return {
    runId,
    sourceId: 'a',
    checkedAt: CLOCK,
    verdict: 'unreadable',
    detail: 'fetch: 403',
    code: 'FETCH_HTTP_STATUS',
    url: source.url,
    httpStatus: 403,
    sha256: null,
    fetchedAt: CLOCK,
    baselines: [],
    observations: () => [],
    readRevision,
    state: checkState({
      consecutiveFailures: failures,
      lastVerdict: 'unreadable',
      lastDetail: 'fetch: 403',
      lastCode: 'FETCH_HTTP_STATUS',
      lastCheckedAt: CLOCK,
      baselined: false,
      watcherVersion: null,
    }),
  };
}

describe('a check whose baseline moved underneath', () => {
  it('is refused by the store with a typed error and a stable code, and writes nothing', () => {
    const dir = dataDir();
    const ours = open(dir);
    const theirs = open(dir);
    const runId = ours.beginRun('test', CLOCK);
    ours.recordCheck(failedCheck(runId, 0, 1));
    const read = ours.sourceState('a')!;
    expect(read.revision).toBe(1);
    theirs.recordCheck(failedCheck(runId, 1, 2)); // the other container's check lands first

    let refused: unknown;
    try {
      ours.recordCheck(failedCheck(runId, read.revision, 2));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(BaselineMovedError);
    expect(refused).toMatchObject({
      code: 'REGWATCH_BASELINE_MOVED',
      message: 'store: a: another check of this source was stored since this one read its baselines (revision 1, now 2); nothing of this check was written',
    });
    expect(countRows(ours.path, 'checks')).toBe(2);
    expect(ours.sourceState('a')).toMatchObject({ revision: 2, consecutiveFailures: 2 });
  });

  it("ends that source as an internal failure of the refresh, and the other refresh's check stands alone", async () => {
    const dir = dataDir();
    const ours = open(dir);
    const theirs = open(dir);
    let theirRun = 0;
    // While our refresh fetches, another process checks the same source and stores its verdict.
    const interleaving: Fetcher = {
      async get(url, options) {
        theirRun = theirs.beginRun('test', CLOCK);
        const context: CheckContext = {
          runId: theirRun,
          store: theirs,
          fetcher: offline,
          now: () => new Date(CLOCK),
          spoolDir: join(dir, 'tmp'),
          watch: runWatch([watchedSource(source)], () => new Map()),
          degradedAfter: 3,
          sourceBudgetMs: 60_000,
        };
        await checkSource(watchedSource(source), context);
        return offline.get(url, options);
      },
      close: async () => {},
    };

    const result = await refresh(
      { config, store: ours, fetcher: interleaving, now: () => new Date(CLOCK), dataDir: dir, site: siteFor(config) },
      { trigger: 'test' },
    );

    expect(result.outcomes).toEqual([
      { sourceId: 'a', verdict: 'internal', detail: expect.stringMatching(/^internal: store: a: another check of this source was stored/), summaries: [] },
    ]);
    expect(selectRows(ours.path, 'SELECT run_id FROM checks')).toEqual([{ run_id: theirRun }]);
    expect(ours.sourceState('a')).toMatchObject({ consecutiveFailures: 1, revision: 1 });
  });
});
