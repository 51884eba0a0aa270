import { afterEach, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/index.js';
import { openStore } from '../src/store/store.js';
import { refresh, RefreshAbortedError } from '../src/pipeline/refresh.js';
import { buildFetcher, databasePath, siteFor } from '../src/runtime/open-runtime.js';
import { startFaultServer, type Handler } from './fault-server.js';
import { fixturePath, describeWithFixtures } from './fixtures.js';

// Issue 8, "never hang": a source that drips its body one byte a second ends its check when its
// time budget runs out (unreadable, never a change) and the other sources are still checked; a
// refresh aborted through its signal stops starting checks, records the run as aborted and
// publishes nothing.

const DRIP = '/standard/99999.html';
const AFTER_DRIP = '/standard/85870.html'; // same host as the drip: queued behind it
const OTHER_HOST = '/standard/53798.html';

/** 200 and a body of one byte a second, for as long as the client listens (at most 10 minutes). */
function drip(hungUp: () => void): Handler {
  return (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.write('<');
    let sent = 0;
    const timer = setInterval(() => (sent++ < 600 ? res.write('x') : res.end()), 1_000);
    req.socket.on('close', () => {
      clearInterval(timer);
      hungUp();
    });
  };
}

const page =
  (file: string): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(readFileSync(fixturePath('iso-pages', file)));
  };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(settings: Record<string, unknown>) {
  const dripping = await startFaultServer();
  const other = await startFaultServer();
  let hangUps = 0;
  dripping.route(
    DRIP,
    drip(() => (hangUps += 1)),
  );
  dripping.route(AFTER_DRIP, page('iso-85870-2022-12-01.html'));
  other.route(OTHER_HOST, page('iso-53798-2024-02-02.html'));
  const dataDir = mkdtempSync(join(tmpdir(), 'regwatch-budget-'));
  const config = parseConfig({
    allowPrivateNetwork: true,
    hostIntervalSeconds: 0,
    // The drip resets an idle timer with every byte: only a budget ends it.
    requestTimeoutSeconds: 300,
    ...settings,
    sources: [
      { id: 'dripping', watcher: 'iso-page', url: `${dripping.origin}${DRIP}` },
      { id: 'after_drip', watcher: 'iso-page', url: `${dripping.origin}${AFTER_DRIP}` },
      { id: 'other_host', watcher: 'iso-page', url: `${other.origin}${OTHER_HOST}` },
    ],
  });
  const store = openStore(databasePath(dataDir));
  const fetcher = buildFetcher(config, store.hostState, { maxRetries: 0 });
  // Run in reverse: the servers drop their sockets first, so closing the fetcher never waits on a drip.
  cleanups.push(
    () => rmSync(dataDir, { recursive: true, force: true }),
    () => store.close(),
    () => fetcher.close(),
    () => dripping.close(),
    () => other.close(),
  );
  const progress: string[] = [];
  const run = (signal?: AbortSignal) =>
    refresh(
      { config, store, fetcher, now: () => new Date(), dataDir, site: siteFor(config), progress: (l) => progress.push(l) },
      { trigger: 'test', ...(signal ? { signal } : {}) },
    );
  return { dripping, other, dataDir, config, store, run, progress, hangUps: () => hangUps };
}

describeWithFixtures('a time budget per source', () => {
  it('ends a dripping source unreadable, saying the budget ran out, and checks the other sources', async () => {
    const t = await setup({ sourceBudgetSeconds: 1.5 });
    const result = await t.run();
    const verdicts = Object.fromEntries(result.outcomes.map((o) => [o.sourceId, o.verdict]));
    expect(verdicts).toEqual({ dripping: 'unreadable', after_drip: 'changed', other_host: 'changed' });
    const dripping = result.outcomes.find((o) => o.sourceId === 'dripping')!;
    expect(dripping.detail).toContain(`GET ${t.dripping.origin}${DRIP}`);
    expect(dripping.detail).toContain('time budget of 1.5 s');
    // The request itself was abandoned (the server saw the client hang up), not left running.
    await expect.poll(() => t.hangUps(), { timeout: 10_000 }).toBe(1);
    // Never a change: the dripping source published nothing.
    expect(t.store.items().items.filter((i) => i.source === 'dripping')).toEqual([]);
    expect(t.store.sourceState('dripping')).toMatchObject({ lastVerdict: 'unreadable', consecutiveFailures: 1 });
  });

  it('is validated in the config with a message naming the key', () => {
    const sources = [{ id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/1.html' }];
    expect(parseConfig({ sources }).sourceBudgetSeconds).toBe(600);
    for (const bad of [0, -1, 'ten', 86_401]) {
      expect(() => parseConfig({ sources, sourceBudgetSeconds: bad }), String(bad)).toThrow(/config: sourceBudgetSeconds: must be a number of seconds/);
    }
  });
});

describeWithFixtures('an aborted refresh', () => {
  it('stops starting checks, keeps what was stored, records the run as aborted, publishes nothing; the next refresh publishes it once', async () => {
    const t = await setup({ sourceBudgetSeconds: 600 });
    const controller = new AbortController();
    const running = t.run(controller.signal);
    const settled = running.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    // The other host's check is stored while the drip holds the first host's queue.
    await expect.poll(() => t.store.sourceState('other_host')?.lastVerdict, { timeout: 30_000 }).toBe('changed');
    await expect.poll(() => t.dripping.requests.some((r) => r.path === DRIP), { timeout: 30_000 }).toBe(true);
    controller.abort(new Error('test: stop now'));

    const error = await settled;
    expect(error).toBeInstanceOf(RefreshAbortedError);
    expect((error as RefreshAbortedError).code).toBe('REGWATCH_REFRESH_ABORTED');
    expect((error as Error).message).toMatch(/^refresh: aborted \(test: stop now\)/);
    await expect.poll(() => t.hangUps(), { timeout: 10_000 }).toBe(1);
    // The queued source was never asked for; the interrupted check was not recorded as a failure.
    expect(t.dripping.requests.some((r) => r.path === AFTER_DRIP)).toBe(false);
    expect(t.store.sourceState('after_drip')).toBeUndefined();
    expect(t.store.sourceState('dripping')).toBeUndefined();
    expect(t.store.lastRun()?.outcome).toBe('aborted (test: stop now): 1 of 3 sources checked');
    // Nothing composed, nothing published.
    expect(t.store.itemCount()).toBe(0);
    const publicDir = join(t.dataDir, 'public');
    expect(existsSync(publicDir) ? readdirSync(publicDir) : []).toEqual([]);

    // The next refresh (the drip gone) composes the stored check's change exactly once.
    t.dripping.route(DRIP, page('iso-85870-2022-12-01.html'));
    const next = await t.run();
    expect(next.outcomes.find((o) => o.sourceId === 'other_host')?.verdict).toBe('unchanged');
    const otherItems = t.store.items().items.filter((i) => i.source === 'other_host');
    expect(otherItems.map((i) => i.event)).toEqual(['baseline']);
  });

  it('checks nothing when its signal is already aborted', async () => {
    const t = await setup({});
    await expect(t.run(AbortSignal.abort(new Error('too late')))).rejects.toThrow(/refresh: aborted \(too late\): 0 of 3 sources checked/);
    expect(t.dripping.requests).toEqual([]);
    expect(t.other.requests).toEqual([]);
  });
});
