import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { openStore } from '../src/store/store.js';
import { databasePath } from '../src/runtime/open-runtime.js';
import { publishFromStore } from '../src/publish/from-store.js';
import { createRefreshRunner } from '../src/server/refresh-runner.js';
import { acquireRunLock } from '../src/store/run-lock.js';
import { startHttpServer } from '../src/server/http-server.js';
import { insertItems, serveConfig, syntheticItem } from '../test/serve-seed.js';
import { SITE } from '../test/publish-items.js';
import { countFlag } from './figures.js';

// Load on `regwatch serve` over a store of 100,000 items, with autocannon, on 127.0.0.1 only:
// requests/s and p99 latency for /feed.xml (full body; answered 304 to If-None-Match; gzip) and
// /changes.json?min-severity=major (a page of 100 read from the store). The server runs in its own
// process so the load generator does not share its event loop. Bounded: each scenario runs
// --duration seconds (default 10) and at most 500,000 requests.
//
//   node --import tsx bench/serve-load.ts [--duration 10] [--connections 10] [--items 100000]

interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  throughput: { average: number };
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  maxOverallRequests?: number;
  headers?: Record<string, string>;
}) => Promise<Result>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

async function serve(itemCount: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'regwatch-serve-bench-'));
  const store = openStore(databasePath(dataDir));
  const started = Date.now();
  insertItems(
    store,
    Array.from({ length: itemCount }, (_, n) => syntheticItem(n)),
  );
  const config = serveConfig();
  await publishFromStore(store, config, join(dataDir, 'public'), SITE);
  const seeded = Date.now() - started;
  const runner = createRefreshRunner({
    refresh: () => Promise.reject(new Error('no refresh in the benchmark')),
    acquireLock: () => acquireRunLock(store.runLock, 0),
    now: () => new Date(),
  });
  const nextRun = new Date(Date.now() + 3600_000);
  const server = await startHttpServer(
    {
      config,
      store,
      publicDir: join(dataDir, 'public'),
      site: SITE,
      runner,
      schedule: { cron: '0 6 * * *', timezone: 'UTC', nextRun: () => nextRun },
      now: () => new Date(),
    },
    { port: 0, host: '127.0.0.1' },
  );
  process.stdout.write(`${JSON.stringify({ url: server.url, items: store.itemCount(), seededMs: seeded })}\n`);
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await server.close();
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
}

async function load(): Promise<void> {
  const duration = countFlag('duration', 10);
  const connections = countFlag('connections', 10);
  const items = countFlag('items', 100_000);
  const tsx = pathToFileURL(resolve(import.meta.dirname, '../node_modules/tsx/dist/loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', tsx, import.meta.filename, '--serve', String(items)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((done) => createInterface({ input: child.stdout! }).once('line', done));
  const { url, items: stored, seededMs } = JSON.parse(first) as { url: string; items: number; seededMs: number };
  if (!/^http:\/\/127\.0\.0\.1:\d+\/$/.test(url)) throw new Error(`refusing to load anything but 127.0.0.1: ${url}`);
  const feedUrl = new URL('feed.xml', url).href;
  const etag = (await fetch(feedUrl, { headers: { 'Accept-Encoding': 'identity' } })).headers.get('etag')!;

  const scenarios: Array<[string, string, Record<string, string>]> = [
    ['/feed.xml', feedUrl, {}],
    ['/feed.xml If-None-Match (304)', feedUrl, { 'If-None-Match': etag }],
    ['/feed.xml Accept-Encoding: gzip', feedUrl, { 'Accept-Encoding': 'gzip' }],
    ['/changes.json?min-severity=major', new URL('changes.json?min-severity=major', url).href, {}],
  ];
  console.log(
    `regwatch serve load: ${stored} items in the store (seeded and published in ${seededMs} ms); ${connections} connections, ${duration} s per scenario`,
  );
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
  console.log('| scenario | req/s (mean) | p50 ms | p99 ms | MB/s | status codes | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | --- | ---: |');
  for (const [name, target, headers] of scenarios) {
    const r = await autocannon({ url: target, connections, duration, maxOverallRequests: 500_000, headers });
    const codes = Object.entries(r.statusCodeStats)
      .map(([code, s]) => `${code}×${s.count}`)
      .join(' ');
    console.log(
      `| ${name} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${(r.throughput.average / 1e6).toFixed(1)} | ${codes} | ${r.errors + r.timeouts} |`,
    );
  }
  child.stdin!.end();
  await new Promise((done) => child.on('exit', done));
}

const serveAt = process.argv.indexOf('--serve');
await (serveAt === -1 ? load() : serve(Number(process.argv[serveAt + 1])));
