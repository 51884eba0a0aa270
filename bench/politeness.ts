import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseConfig } from '../src/config/index.js';
import { openStore } from '../src/store/store.js';
import { refresh } from '../src/pipeline/refresh.js';
import { buildFetcher, databasePath, siteFor } from '../src/runtime/open-runtime.js';
import { startLoopbackHosts } from './loopback-hosts.js';

// Issue 4's benchmark: one refresh of 200 sources spread over 20 loopback hosts (127.0.0.1 to
// 127.0.0.20), each answering after 50 ms, under the politeness rules (one request at a time per
// host, hostIntervalSeconds apart, robots.txt first). Reports wall time against the floor those
// rules allow — (requests per host − 1) × interval + one response's latency — and peak RSS.
// Traffic stays on this machine's loopback and stops by itself.
//
//   npm run bench:politeness [-- <hostIntervalSeconds, default 1>]

const HOSTS = 20;
const SOURCES = 200;
const LATENCY_MS = 50;
const interval = Number(process.argv[2] ?? 1);

const recorded = resolve(import.meta.dirname, '../../shared/fixtures/iso-pages/iso-85870-2022-12-01.html');
const page = existsSync(recorded) ? readFileSync(recorded) : Buffer.from('<html><title>stand-in</title><body>no recorded page</body></html>');
const perHost = new Map<string, number[]>();

const loopback = await startLoopbackHosts(HOSTS, (host, req, res) => {
  perHost.set(host, [...(perHost.get(host) ?? []), performance.now()]);
  setTimeout(() => {
    if (req.url === '/robots.txt') res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  }, LATENCY_MS);
});
const { port } = loopback;

const config = parseConfig({
  allowPrivateNetwork: true,
  hostIntervalSeconds: interval,
  sources: Array.from({ length: SOURCES }, (_, i) => ({
    id: `s${String(i).padStart(3, '0')}`,
    watcher: 'iso-page',
    url: `http://127.0.0.${(i % HOSTS) + 1}:${port}/standard/${85870 + i}.html`,
  })),
});
const dataDir = mkdtempSync(join(tmpdir(), 'regwatch-bench-polite-'));
const store = openStore(databasePath(dataDir));
const fetcher = buildFetcher(config, store.hostState);
const started = performance.now();
let result;
try {
  result = await refresh({ config, store, fetcher, now: () => new Date(), dataDir, site: siteFor(config) }, { trigger: 'cli' });
} finally {
  await fetcher.close();
  store.close();
  await loopback.close();
  rmSync(dataDir, { recursive: true, force: true });
}
const wall = performance.now() - started;
const requestsPerHost = Math.max(...[...perHost.values()].map((t) => t.length));
const floor = (requestsPerHost - 1) * interval * 1000 + LATENCY_MS;
const gaps = [...perHost.values()].flatMap((t) => t.slice(1).map((x, i) => x - t[i]!));
const verdicts = new Map<string, number>();
for (const o of result.outcomes) verdicts.set(o.verdict, (verdicts.get(o.verdict) ?? 0) + 1);

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log(`${SOURCES} sources on ${HOSTS} loopback hosts, ${LATENCY_MS} ms latency, hostIntervalSeconds ${interval}`);
console.log(`requests per host     ${requestsPerHost} (robots.txt + pages)`);
console.log(`wall time             ${(wall / 1000).toFixed(2)} s`);
console.log(`politeness floor      ${(floor / 1000).toFixed(2)} s  (wall / floor = ${(wall / floor).toFixed(2)})`);
console.log(`smallest gap per host ${Math.min(...gaps).toFixed(0)} ms (must be ≥ ${interval * 1000} ms)`);
console.log(`peak RSS              ${Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20)} MB`);
console.log(`verdicts              ${[...verdicts].map(([v, n]) => `${v} ${n}`).join(', ')}`);
