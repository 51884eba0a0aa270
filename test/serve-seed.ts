import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type Config } from '../src/config/index.js';
import { databasePath } from '../src/runtime/open-runtime.js';
import { openStore } from '../src/store/store.js';
import { publishFromStore } from '../src/publish/from-store.js';
import { createRefreshRunner, type RefreshFn, type RefreshRunner } from '../src/server/refresh-runner.js';
import { acquireRunLock } from '../src/store/run-lock.js';
import { withDatabaseFile } from './helpers/database-file.js';
import { startHttpServer } from '../src/server/http-server.js';
import type { ConnectionLimits } from '../src/server/connection-limits.js';
import type { Server } from 'node:http';
import type { Item, Severity } from '../src/model/item.js';
import type { Store } from '../src/store/store.js';
import type { DocumentRecord } from '../src/model/record.js';
import { BASELINE_42001, FDIS_42005, HEALTH_42006, SITE } from './publish-items.js';
import { checkState } from './helpers/check-state.js';

// Seeding a store for the server tests and the load benchmark. Items go straight into the items
// tables on a connection of the test's own (the store has no "insert item" API on purpose: items
// are composed from observations);
// a source's health and baseline go through store.recordCheck, as a refresh writes them.

export const TOKEN = 'test-refresh-token-0123456789';

/** The seeded items' sources, as a config lists them. */
export const SERVE_SOURCES = [
  { id: 'iso_42005', watcher: 'iso-page', url: 'https://www.iso.org/standard/44545.html' },
  { id: 'iso_42006', watcher: 'iso-page', url: 'https://www.iso.org/standard/44546.html', requirements: true },
  { id: 'iso_42001', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html', requirements: true },
  {
    id: 'iso_opendata',
    watcher: 'iso-opendata',
    url: 'https://isopublicstorageprod.blob.core.windows.net/opendata/_latest/iso_deliverables_metadata/json/iso_deliverables_metadata.jsonl',
    committees: ['ISO/IEC JTC 1/SC 42'],
  },
];

export function serveConfig(overrides: Record<string, unknown> = {}): Config {
  return parseConfig({
    sources: SERVE_SOURCES,
    publicUrl: 'http://127.0.0.1:8080/',
    refreshToken: TOKEN,
    manualRefreshIntervalSeconds: 60,
    ...overrides,
  });
}

/** Inserts items oldest first, so the store returns them newest first; returns their seqs. */
export function insertItems(store: Store, itemsOldestFirst: Item[]): number[] {
  const rank = (s: Severity) => ['critical', 'major', 'minor', 'info', 'baseline'].indexOf(s);
  return withDatabaseFile(
    store.path,
    (db) => {
      const runId = Number(
        db
          .prepare("INSERT INTO runs (trigger, started_at, finished_at, outcome) VALUES ('test', ?, ?, 'ok')")
          .run('2025-01-01T00:00:00.000Z', '2025-01-01T00:00:01.000Z').lastInsertRowid,
      );
      const insertItem = db.prepare('INSERT INTO items (id, run_id, source_id, doc_key, observed_at, severity_rank, item_json) VALUES (?, ?, ?, ?, ?, ?, ?)');
      const insertSource = db.prepare('INSERT OR IGNORE INTO item_sources (item_seq, source_id) VALUES (?, ?)');
      return db.transaction(() =>
        itemsOldestFirst.map((item) => {
          const seq = Number(
            insertItem.run(item.id, runId, item.source, item.document?.key ?? null, item.observedAt, rank(item.severity), JSON.stringify(item)).lastInsertRowid,
          );
          for (const source of new Set([item.source, ...item.alsoSeenBy.map((s) => s.source)])) insertSource.run(seq, source);
          return seq;
        }),
      )();
    },
    { write: true },
  );
}

/** The three realistic items of test/publish-items.ts, oldest first. */
export const REALISTIC_OLDEST_FIRST: Item[] = [BASELINE_42001, HEALTH_42006, FDIS_42005];

const SEVERITY_CYCLE: Severity[] = ['info', 'minor', 'major', 'info', 'minor', 'baseline', 'info', 'major', 'minor', 'critical'];
const SOURCES = ['iso_42005', 'iso_42006', 'iso_42001', 'iso_opendata'];

/** The n-th of a long synthetic history: valid Items, a tenth of them major or critical. */
export function syntheticItem(n: number): Item {
  const severity = SEVERITY_CYCLE[n % SEVERITY_CYCLE.length]!;
  const observedAt = new Date(Date.UTC(2020, 0, 1) + n * 60_000).toISOString();
  return {
    ...FDIS_42005,
    id: `tag:regwatch,2026:synthetic/iso:44545/${n}`,
    source: SOURCES[n % SOURCES.length]!,
    observedAt,
    severity,
    event:
      severity === 'baseline'
        ? 'baseline'
        : severity === 'critical'
          ? 'new-edition'
          : severity === 'major'
            ? 'fdis'
            : severity === 'minor'
              ? 'draft-progress'
              : 'publication-date',
    summary: `ISO/IEC 42005: synthetic change ${n} (${severity})`,
    alsoSeenBy: [],
  };
}

export function recordHealth(
  store: Store,
  sourceId: string,
  url: string,
  state: { verdict: 'changed' | 'unreadable'; at: string; detail?: string; failures?: number; baselines?: DocumentRecord[] },
): void {
  const runId = store.beginRun('test', state.at);
  const ok = state.verdict === 'changed';
  store.recordCheck({
    runId,
    sourceId,
    checkedAt: state.at,
    verdict: state.verdict,
    detail: state.detail ?? null,
    code: ok ? null : 'FETCH_HTTP_STATUS',
    url,
    httpStatus: ok ? 200 : 403,
    sha256: ok ? 'a'.repeat(64) : null,
    fetchedAt: state.at,
    readRevision: store.sourceState(sourceId)?.revision ?? 0,
    baselines: state.baselines ?? [],
    observations: () => [],
    state: checkState({
      consecutiveFailures: state.failures ?? 0,
      degraded: (state.failures ?? 0) >= 3,
      lastVerdict: state.verdict,
      lastDetail: state.detail ?? null,
      lastCode: ok ? null : 'FETCH_HTTP_STATUS',
      lastCheckedAt: state.at,
      lastGoodAt: ok ? state.at : '2025-03-01T06:00:05.000Z',
      lastChangeAt: ok ? state.at : null,
      watcherVersion: null,
    }),
  });
  store.finishRun(runId, state.at, 'ok');
}

// ---- a server on 127.0.0.1 over a seeded temp store -----------------------------------------------

export interface TestServer {
  url: string;
  store: Store;
  config: Config;
  dataDir: string;
  publicDir: string;
  runner: RefreshRunner;
  clock: { now: Date };
  log: string[];
  httpServer: Server;
  close(): Promise<void>;
}

export const NEXT_RUN = new Date('2025-03-11T06:00:00.000Z');
export const NOW = new Date('2025-03-11T05:00:00.000Z');

export async function startTestServer(
  options: { config?: Config; items?: Item[]; refresh?: RefreshFn; nextRun?: Date | null; limits?: Partial<ConnectionLimits> } = {},
): Promise<TestServer> {
  const config = options.config ?? serveConfig();
  const dataDir = mkdtempSync(join(tmpdir(), 'regwatch-serve-'));
  const publicDir = join(dataDir, 'public');
  const store = openStore(databasePath(dataDir));
  insertItems(store, options.items ?? REALISTIC_OLDEST_FIRST);
  recordHealth(store, 'iso_42005', 'https://www.iso.org/standard/44545.html', {
    verdict: 'changed',
    at: '2025-03-10T06:00:12.000Z',
    baselines: [{ key: 'iso:44545', reference: 'ISO/IEC FDIS 42005', status: 'under-development', phase: 'approval', stage: '50.20' }],
  });
  recordHealth(store, 'iso_42006', 'https://www.iso.org/standard/44546.html', {
    verdict: 'unreadable',
    at: '2025-03-10T06:00:20.000Z',
    detail: 'fetch: GET https://www.iso.org/standard/44546.html returned 403',
    failures: 3,
  });
  await publishFromStore(store, config, publicDir, SITE);
  const clock = { now: NOW };
  const log: string[] = [];
  const runner = createRefreshRunner({
    refresh: options.refresh ?? (async () => ({ runId: 99, outcomes: [], itemsCreated: 0, published: { written: [], unchanged: [] }, refused: [] })),
    acquireLock: () => acquireRunLock(store.runLock, 0),
    now: () => clock.now,
    log: (line) => log.push(line),
  });
  const nextRun = options.nextRun === undefined ? NEXT_RUN : options.nextRun;
  const server = await startHttpServer(
    {
      config,
      store,
      publicDir,
      site: SITE,
      runner,
      schedule: { cron: '0 6 * * *', timezone: 'UTC', nextRun: () => nextRun },
      now: () => clock.now,
      log: (line) => log.push(line),
    },
    { port: 0, host: '127.0.0.1', ...(options.limits ? { limits: options.limits } : {}) },
  );
  return {
    url: server.url,
    httpServer: server.server,
    store,
    config,
    dataDir,
    publicDir,
    runner,
    clock,
    log,
    async close() {
      const closing = server.close();
      server.closeAllConnections(); // a connection a test left open never holds the next test
      await closing;
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** A plain node:http request: no automatic decompression, so the test sees the bytes sent. */
export function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
