import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type Config } from '../src/config/index.js';
import { openStore, type Store } from '../src/store/store.js';
import { refresh, type RefreshResult } from '../src/pipeline/refresh.js';
import { buildFetcher, databasePath, siteFor } from '../src/runtime/open-runtime.js';
import type { Item } from '../src/model/item.js';
import { createNotifier, type NotifierDeps, type NotifyReport } from '../src/notify/notifier.js';
import { startFixtureServer, type FixtureServer } from './fixture-server.js';

// What the end-to-end tests share: a loopback server standing in for iso.org and the blob store, a
// temp data folder, a real store, and a refresh at a fixed clock that reports the items it added.

export interface Harness {
  server: FixtureServer;
  dataDir: string;
  store: Store;
  config: Config;
  refreshAt(at: Date | string): Promise<{ result: RefreshResult; added: Item[] }>;
  /** A pass of the notification sender at this time (serve's timer, `regwatch notify --send`). */
  sendDueAt(at: Date | string, budgetMs?: number): Promise<NotifyReport>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** The environment the notify channels read their secrets from. */
  env?: NotifierDeps['env'];
  /** The jitter of retry delays; default 0.5. */
  random?: () => number;
}

/** `sources` gets the server's origin (`http://127.0.0.1:<port>`) to point the sources at it. */
export async function startHarness(
  name: string,
  sources: (origin: string) => unknown[],
  settings: Record<string, unknown> = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const server = await startFixtureServer();
  const dataDir = mkdtempSync(join(tmpdir(), `regwatch-${name}-`));
  const config = parseConfig({ allowPrivateNetwork: true, hostIntervalSeconds: 0, ...settings, sources: sources(server.origin) });
  const store = openStore(databasePath(dataDir));
  const notifierAt = (clock: Date) =>
    createNotifier({
      config,
      store,
      env: options.env ?? {},
      userAgent: 'regwatch/test (+https://example.org)',
      now: () => clock,
      random: options.random ?? (() => 0.5),
    });
  return {
    server,
    dataDir,
    store,
    config,
    async refreshAt(at) {
      const before = new Set(store.items().items.map((i) => i.id));
      const fetcher = buildFetcher(config, store.hostState);
      try {
        const clock = new Date(at);
        const result = await refresh(
          { config, store, fetcher, now: () => clock, dataDir, site: siteFor(config), notifier: notifierAt(clock) },
          { trigger: 'test' },
        );
        return { result, added: store.items().items.filter((i) => !before.has(i.id)) };
      } finally {
        await fetcher.close();
      }
    },
    sendDueAt(at, budgetMs = 30_000) {
      return notifierAt(new Date(at)).sendDue({ budgetMs });
    },
    async close() {
      store.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
