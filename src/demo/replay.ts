import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/index.js';
import type { Item } from '../model/item.js';
import { RegwatchError } from '../model/errors.js';
import { isCleanVerdict } from '../model/source-report.js';
import { refresh } from '../pipeline/refresh.js';
import { buildFetcher, databasePath, siteFor } from '../runtime/open-runtime.js';
import { openStore } from '../store/store.js';
import { dumpOf, sliceCommittees, type DemoSlice } from './slice.js';

// `regwatch demo`'s replay: a server on 127.0.0.1 plays ISO Open Data's blob store, serving the
// slice's dump of one day after another, and a real refresh runs once per day at that day's date,
// so what the newcomer sees is exactly what regwatch does, without reaching iso.org.

export const DUMP_PATH = '/opendata/_latest/iso_deliverables_metadata/json/iso_deliverables_metadata.jsonl';
export const DEMO_SOURCE = 'sc42_catalogue';

export interface DemoServer {
  origin: string;
  /** From now on the dump is that day's. */
  show(day: string): void;
  close(): Promise<void>;
}

export async function startDemoServer(slice: DemoSlice): Promise<DemoServer> {
  let day = slice.days[0]!;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== DUMP_PATH) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const etag = `"${day}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'application/x-ndjson', etag }).end(dumpOf(slice, day));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    show(next) {
      day = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The demo's config: one ISO Open Data source on the demo server, watching the slice's committee. */
export function demoConfigInput(slice: DemoSlice, origin: string, publicUrl: string) {
  return {
    allowPrivateNetwork: true,
    hostIntervalSeconds: 0,
    publicUrl,
    sources: [{ id: DEMO_SOURCE, watcher: 'iso-opendata', url: `${origin}${DUMP_PATH}`, committees: sliceCommittees(slice), requirementsDocuments: [81230] }],
  };
}

/** The replay of data shipped with regwatch did not read: a bug (exit 1). */
export class DemoError extends RegwatchError<'REGWATCH_DEMO'> {
  constructor(message: string) {
    super('REGWATCH_DEMO', message);
  }
}

/** One refresh per day of the slice, newest items last; returns every item, newest first. */
export async function replaySlice(deps: {
  slice: DemoSlice;
  server: DemoServer;
  config: Config;
  dataDir: string;
  onDay?: (day: string, added: number) => void;
}): Promise<Item[]> {
  const { config, dataDir } = deps;
  const store = openStore(databasePath(dataDir));
  // The replay's clock, the fetcher's too: what it fetched is dated the day it stands for.
  let at = new Date(0);
  const fetcher = buildFetcher(config, store.hostState, { maxRetries: 0, now: () => at.getTime() });
  try {
    for (const day of deps.slice.days) {
      deps.server.show(day);
      at = new Date(`${day}T06:00:00.000Z`);
      const result = await refresh({ config, store, fetcher, now: () => at, dataDir, site: siteFor(config) }, { trigger: 'cli' });
      const outcome = result.outcomes[0]!;
      if (!isCleanVerdict(outcome.verdict)) throw new DemoError(`demo: ${day}: the replayed catalogue was ${outcome.verdict}: ${outcome.detail ?? ''}`);
      deps.onDay?.(day, result.itemsCreated);
    }
    return store.items().items;
  } finally {
    await fetcher.close();
    store.close();
  }
}
