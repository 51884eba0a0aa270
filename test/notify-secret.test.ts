import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { databasePath } from '../src/runtime/open-runtime.js';
import { startHarness, type Harness } from './harness.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';
import { startReceiver, type Receiver } from './notify-receiver.js';

// A channel whose secret is missing from the environment (a cron job run without it): the
// operator's to fix, never the deliveries' fault. They wait, unattempted, and go out once it is set.

describeWithFixtures('a channel whose secret is not in the environment', () => {
  let h: Harness;
  let hook: Receiver;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    hook = await startReceiver();
    h = await startHarness(
      'notify-secret',
      (origin) => [{ id: 'iso_14460', watcher: 'iso-page', url: `${origin}/standard/85870.html` }],
      { notify: [{ id: 'hook', type: 'webhook', url: hook.url('/regwatch'), secretEnv: 'HOOK_SECRET', minSeverity: 'baseline' }] },
      { env },
    );
    h.server.routes.set('/standard/85870.html', { file: fixturePath('iso-pages', 'iso-85870-2022-12-01.html') });
  });

  afterAll(async () => {
    await h?.close();
    await hook?.close();
  });

  it('keeps its deliveries pending without counting an attempt, and sends them once the variable is set', async () => {
    await h.refreshAt('2022-12-01T06:00:00Z');
    expect(hook.received).toEqual([]);
    expect(h.store.deliveries.list({ channelId: 'hook' }).map((d) => [d.state, d.attempts])).toEqual([['pending', 0]]);

    // A pass while the variable is unset reports the delivery as left and writes nothing (serve runs
    // one a minute): another connection's data_version moves with every commit it does not make.
    const observer = new Database(databasePath(h.dataDir), { readonly: true });
    try {
      const commits = () => observer.pragma('data_version', { simple: true }) as number;
      const before = commits();
      expect(await h.sendDueAt('2022-12-01T07:00:00Z')).toMatchObject({ sent: 0, retrying: 0, dead: 0, left: 1 });
      expect(commits()).toBe(before);
      h.store.deliveries.deferChannel('hook', '2022-12-01T07:00:01Z'); // a commit, which the observer does see
      expect(commits()).not.toBe(before);
    } finally {
      observer.close();
    }
    expect(h.store.deliveries.list({ channelId: 'hook' }).map((d) => [d.state, d.attempts])).toEqual([['pending', 0]]);

    env.HOOK_SECRET = 'set-at-last-7f3a';
    await h.sendDueAt('2022-12-01T08:00:00Z');
    expect(hook.received).toHaveLength(1);
    expect(h.store.deliveries.list({ channelId: 'hook' }).map((d) => d.state)).toEqual(['sent']);
  });
});
