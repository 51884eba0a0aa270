import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig, type Config } from '../src/config/index.js';
import { createNotifier } from '../src/notify/notifier.js';
import { deliveryId } from '../src/notify/index.js';
import { refresh } from '../src/pipeline/refresh.js';
import { buildFetcher, databasePath, siteFor } from '../src/runtime/open-runtime.js';
import { openStore } from '../src/store/store.js';
import { startFixtureServer, type FixtureServer } from './fixture-server.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';
import { killedRefresh } from './helpers/killed-refresh.js';
import { startReceiver, type Receiver } from './notify-receiver.js';

// At least once, never lost, never queued twice: a refresh killed with SIGKILL anywhere from its
// checks to the moment between a webhook's send and its record leaves every new item's delivery
// queued exactly once; the next refresh sends what was not sent, and a message that went out just
// before the kill goes again with the same X-Regwatch-Delivery (and the same bytes and signature).

const SECRET = 'crash-hook-secret-77';
const PAGES = [
  { path: '/standard/74197.html', rounds: ['iso-74197-2021-02-11', 'iso-74197-2021-03-18'] },
  { path: '/standard/85870.html', rounds: ['iso-85870-2022-12-01', 'iso-85870-2023-02-03'] },
];
const KILL_POINTS = ['transaction:check', 'transaction:compose', 'compose', 'send'] as const;

describeWithFixtures('notifications survive SIGKILL: queued once, sent at least once, resent with the same key', () => {
  let server: FixtureServer;
  let receiver: Receiver;
  beforeAll(async () => {
    server = await startFixtureServer();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  async function refreshAt(config: Config, dataDir: string, clock: string) {
    const store = openStore(databasePath(dataDir));
    const fetcher = buildFetcher(config, store.hostState);
    try {
      const now = () => new Date(clock);
      const notifier = createNotifier({ config, store, env: { HOOK_SECRET: SECRET }, userAgent: 'regwatch/test', now, random: () => 0.5 });
      await refresh({ config, store, fetcher, now, dataDir, site: siteFor(config), notifier }, { trigger: 'test' });
      return store.items().items;
    } finally {
      await fetcher.close();
      store.close();
    }
  }

  it.each(KILL_POINTS)('killed at %s', async (killAt) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'regwatch-notify-crash-'));
    const configInput = {
      allowPrivateNetwork: true,
      hostIntervalSeconds: 0,
      sources: PAGES.map((p, i) => ({ id: `s${i}`, watcher: 'iso-page', url: `${server.origin}${p.path}` })),
      notify: [{ id: 'hook', type: 'webhook', url: receiver.url(`/${killAt}`), secretEnv: 'HOOK_SECRET' }],
    };
    const config = parseConfig(configInput);
    const setRound = (round: number) => {
      for (const page of PAGES) server.routes.set(page.path, { file: fixturePath('iso-pages', `${page.rounds[round]}.html`) });
    };
    const mine = () => receiver.received.filter((r) => r.path === `/${killAt}`);
    try {
      setRound(0);
      await refreshAt(config, dataDir, '2026-01-01T06:00:00.000Z');
      expect(mine()).toEqual([]); // baselines: below the channel's minSeverity (major)

      setRound(1);
      await killedRefresh(dataDir, JSON.stringify(configInput), '2026-01-02T06:00:00.000Z', killAt, { HOOK_SECRET: SECRET });
      const sentBeforeKill = mine().length;
      expect(sentBeforeKill).toBe(killAt === 'send' ? 1 : 0);

      // A day later: the killed sender's claim has long run out.
      const items = await refreshAt(config, dataDir, '2026-01-03T06:00:00.000Z');
      const changes = items.filter((i) => i.event !== 'baseline');
      expect(changes.map((i) => i.event).sort()).toEqual(['dis-ballot', 'fdis']);
      const byKey = new Map<string, Buffer[]>();
      for (const r of mine()) byKey.set(String(r.headers['x-regwatch-delivery']), [...(byKey.get(String(r.headers['x-regwatch-delivery'])) ?? []), r.body]);
      expect([...byKey.keys()].sort()).toEqual(changes.map((i) => deliveryId('hook', i.id)).sort());
      const counts = [...byKey.values()].map((bodies) => bodies.length).sort();
      expect(counts).toEqual(killAt === 'send' ? [1, 2] : [1, 1]);
      // The resend is the same message: same bytes, hence the same signature.
      for (const bodies of byKey.values()) for (const body of bodies) expect(body.equals(bodies[0]!)).toBe(true);
      const store = openStore(databasePath(dataDir));
      try {
        expect(store.deliveries.list().map((d) => d.state)).toEqual(['sent', 'sent']);
      } finally {
        store.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
