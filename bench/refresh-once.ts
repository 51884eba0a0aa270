// One refresh of one source in its own process, for the benches: prints its wall time and the
// process's peak RSS as JSON. argv: <dataDir> <configJson>
import { performance } from 'node:perf_hooks';
import { parseConfig } from '../src/config/index.js';
import { openStore } from '../src/store/store.js';
import { refresh } from '../src/pipeline/refresh.js';
import { buildFetcher, databasePath, siteFor } from '../src/runtime/open-runtime.js';

const [dataDir, configJson] = process.argv.slice(2) as [string, string];
const config = parseConfig(JSON.parse(configJson));
const store = openStore(databasePath(dataDir));
const fetcher = buildFetcher(config, store.hostState);
const rssAtStart = process.memoryUsage().rss;
const started = performance.now();
const result = await refresh({ config, store, fetcher, now: () => new Date(), dataDir, site: siteFor(config) }, { trigger: 'cli' });
const wallMs = performance.now() - started;
await fetcher.close();
store.close();
console.log(
  JSON.stringify({
    wallMs: Math.round(wallMs),
    peakRssMb: Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20),
    rssAtStartMb: Math.round(rssAtStart / 2 ** 20),
    verdicts: result.outcomes.map((o) => `${o.verdict}${o.detail ? ` (${o.detail})` : ''}`),
    itemsCreated: result.itemsCreated,
  }),
);
