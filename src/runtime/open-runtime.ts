import { resolve } from 'node:path';
import { loadConfig, type Config } from '../config/index.js';
import { openStore, type Store } from '../store/store.js';
import type { Fetcher } from '../fetch/fetcher.js';
import { createFetcher } from '../fetch/index.js';
import { VERSION } from './version.js';
import type { FeedSite } from '../publish/from-store.js';
import { databasePath, prepareDataDirForWriting } from './data-dir.js';
import { createNotifier, type Notifier } from '../notify/notifier.js';
import { missingSecrets } from '../notify/secrets.js';
import type { RefreshDeps } from '../pipeline/refresh.js';

export { DATABASE_FILE, databasePath } from './data-dir.js';

// Builds the real dependencies (store, fetcher, clock, site) from the config and the data folder.
// Tests build their own: a temp database, a loopback server, a fixed clock.

export interface Runtime {
  config: Config;
  configOrigin: string;
  dataDir: string;
  store: Store;
  fetcher: Fetcher;
  site: FeedSite;
  now: () => Date;
  notifier: Notifier;
  /** Worth telling whoever starts a command: secrets the notify channels name but the environment lacks. */
  warnings: string[];
  close(): Promise<void>;
}

/** What a refresh needs of the runtime: the CLI's refresh and serve's runner pass the same. */
export function refreshDeps(runtime: Runtime, progress?: (line: string) => void): RefreshDeps {
  const { config, store, fetcher, now, dataDir, site, notifier } = runtime;
  return { config, store, fetcher, now, dataDir, site, notifier, ...(progress === undefined ? {} : { progress }) };
}

export function userAgent(config: Config): string {
  return config.userAgent ?? `regwatch/${VERSION} (+${config.contact})`;
}

export function siteFor(config: Config): FeedSite {
  return {
    title: config.feedTitle,
    description: config.feedDescription,
    publicUrl: config.publicUrl,
    ...(config.websubHub === undefined ? {} : { websubHub: config.websubHub }),
  };
}

/** `notify[0].secretEnv: … environment variable REGWATCH_HOOK_SECRET is not set`: names, never values. */
export function notifyWarnings(config: Config, env: NodeJS.ProcessEnv): string[] {
  return missingSecrets(config.notify, env, { allowPrivateNetwork: config.allowPrivateNetwork }).map(
    (problem) => `config: ${problem}: its deliveries wait, unsent, until it is set`,
  );
}

/** The process's one HTTP client, polite per host, guarded against private addresses. */
export function buildFetcher(
  config: Config,
  hostState: Store['hostState'],
  overrides: { hostIntervalMs?: number; maxRetries?: number; now?: () => number } = {},
): Fetcher {
  return createFetcher({
    userAgent: userAgent(config),
    allowPrivateNetwork: config.allowPrivateNetwork,
    hostIntervalMs: overrides.hostIntervalMs ?? config.hostIntervalSeconds * 1000,
    timeouts: {
      connectMs: 10_000,
      headersMs: config.requestTimeoutSeconds * 1000,
      bodyMs: config.requestTimeoutSeconds * 1000,
      totalMs: config.requestDeadlineSeconds * 1000,
    },
    maxRetries: overrides.maxRetries ?? 2,
    store: hostState,
    now: overrides.now ?? (() => Date.now()),
    sleep: (ms: number, signal?: AbortSignal) =>
      new Promise<void>((done, fail) => {
        const timer = setTimeout(done, ms);
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            fail(signal.reason);
          },
          { once: true },
        );
      }),
    random: Math.random,
  });
}

/** `log`: where the notifier says what it sent and what failed (stderr in the CLI). */
export function openRuntime(options: { configFile?: string; dataDir?: string; log?: (line: string) => void }): Runtime {
  const { config, origin } = loadConfig(options.configFile);
  const dataDir = resolve(options.dataDir ?? 'data');
  prepareDataDirForWriting(dataDir);
  const store = openStore(databasePath(dataDir));
  const fetcher = buildFetcher(config, store.hostState);
  const now = () => new Date();
  return {
    config,
    configOrigin: origin,
    dataDir,
    store,
    fetcher,
    site: siteFor(config),
    now,
    notifier: createNotifier({
      config,
      store,
      env: process.env,
      userAgent: userAgent(config),
      now,
      random: Math.random,
      ...(options.log ? { log: options.log } : {}),
    }),
    warnings: notifyWarnings(config, process.env),
    async close() {
      await fetcher.close();
      store.close();
    },
  };
}
