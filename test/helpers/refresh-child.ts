// A refresh in a child process that stops dead at a named point so the parent can SIGKILL it there.
// argv: <dataDir> <configJson> <isoClock> <killAt>; killAt ∈ fetch | transaction:check |
// transaction:compose | compose | publish | send | none. Prints "PAUSED <point>" and blocks at the
// point. Notification channels read their secrets from this process's environment.
import { writeSync } from 'node:fs';
import { parseConfig } from '../../src/config/index.js';
import { openStore } from '../../src/store/store.js';
import { refresh } from '../../src/pipeline/refresh.js';
import { buildFetcher, databasePath, siteFor } from '../../src/runtime/open-runtime.js';
import { createNotifier } from '../../src/notify/notifier.js';

const [dataDir, configJson, clock, killAt] = process.argv.slice(2) as [string, string, string, string];

function pauseAt(point: string): void {
  if (point !== killAt) return;
  writeSync(1, `PAUSED ${point}\n`);
  // Block synchronously (also inside a SQLite transaction) until the parent kills us.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

const config = parseConfig(JSON.parse(configJson));
const store = openStore(databasePath(dataDir), { onTransaction: (name) => pauseAt(`transaction:${name}`) });
const fetcher = buildFetcher(config, store.hostState);
const result = await refresh(
  {
    config,
    store,
    fetcher,
    now: () => new Date(clock),
    dataDir,
    site: siteFor(config),
    notifier: createNotifier({ config, store, env: process.env, userAgent: 'regwatch/test', now: () => new Date(clock), random: () => 0.5 }),
    hooks: {
      afterFetch: () => pauseAt('fetch'),
      afterCompose: () => pauseAt('compose'),
      afterPublishFile: () => pauseAt('publish'),
      afterSend: () => pauseAt('send'),
    },
  },
  { trigger: 'test' },
);
await fetcher.close();
store.close();
writeSync(1, `DONE ${result.itemsCreated}\n`);
