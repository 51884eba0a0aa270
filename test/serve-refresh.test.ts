import { afterEach, describe, expect, it } from 'vitest';
import type { RefreshResult } from '../src/pipeline/refresh.js';
import { createCronScheduler, scheduleProblem } from '../src/server/scheduler.js';
import { request, serveConfig, startTestServer, TOKEN, type TestServer } from './serve-seed.js';
import { writeRow } from './helpers/database-file.js';

// POST /refresh (token, one at a time, minimum interval) and the schedule (cron validation, next
// run, no overlap). The refresh is a fake the test controls; the clock is fixed.

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const RESULT: RefreshResult = {
  runId: 7,
  outcomes: [{ sourceId: 'iso_42005', verdict: 'changed', detail: null, summaries: ['x'] } as unknown as RefreshResult['outcomes'][number]],
  itemsCreated: 2,
  published: { written: ['feed.xml'], unchanged: [] },
  refused: [],
};

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (path: string, token?: string) =>
  request(new URL(path, server!.url).href, { method: 'POST', headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } });

describe('POST /refresh', () => {
  it('does not exist when no token is configured', async () => {
    server = await startTestServer({ config: serveConfig({ refreshToken: undefined }) });
    const res = await post('/refresh', TOKEN);
    expect(res.status).toBe(404);
    expect(JSON.parse((await request(new URL('/healthz', server.url).href)).text).manualRefresh).toBe(false);
  });

  it('needs the configured bearer token', async () => {
    let calls = 0;
    server = await startTestServer({ refresh: async () => (calls++, RESULT) });
    for (const token of [undefined, 'wrong-token-wrong-token', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
      const res = await post('/refresh', token);
      expect(res.status, String(token)).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="regwatch"');
    }
    expect((await request(new URL('/refresh', server.url).href)).status).toBe(405);
    expect(calls).toBe(0);
  });

  it('runs one refresh and answers with its outcome', async () => {
    const triggers: string[] = [];
    server = await startTestServer({ refresh: async (trigger) => (triggers.push(trigger), RESULT) });
    const res = await post('/refresh', TOKEN);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).run).toMatchObject({ trigger: 'http', outcome: 'ok', runId: 7, itemsCreated: 2 });
    expect(triggers).toEqual(['http']);
  });

  it('refuses a second refresh while one runs (409), then one within the minimum interval (429 with Retry-After)', async () => {
    const gate = deferred<RefreshResult>();
    let calls = 0;
    server = await startTestServer({ refresh: () => (calls++, gate.promise) });
    const first = post('/refresh', TOKEN);
    await expect.poll(() => server!.runner.current()?.trigger).toBe('http');
    const second = await post('/refresh', TOKEN);
    expect(second.status).toBe(409);
    expect(JSON.parse(second.text).error).toContain('already running');
    const scheduled = await server.runner.start('schedule');
    expect(scheduled).toMatchObject({ started: false, reason: 'running' });

    gate.resolve(RESULT);
    expect((await first).status).toBe(200);
    expect(calls).toBe(1);

    server.clock.now = new Date(server.clock.now.getTime() + 15_000);
    const tooSoon = await post('/refresh', TOKEN);
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.headers['retry-after']).toBe('45');
    expect(JSON.parse(tooSoon.text).retryAfter).toBe(45);

    server.clock.now = new Date(server.clock.now.getTime() + 45_000);
    const later = await post('/refresh', TOKEN);
    expect(later.status).toBe(200);
    expect(calls).toBe(2);
  });

  it('answers 409 while a refresh in another process holds the run lock', async () => {
    let calls = 0;
    server = await startTestServer({ refresh: async () => (calls++, RESULT) });
    // The lock row names a live owner in another process (our parent), so it is not stale.
    writeRow(server.store.path, "INSERT INTO run_lock (id, pid, token, acquired_at) VALUES (1, ?, 'another-process', '2026-01-01T00:00:00Z')", process.ppid);
    const res = await post('/refresh', TOKEN);
    expect(res.status).toBe(409);
    expect(JSON.parse(res.text).error).toContain('another refresh is running');
    expect(calls).toBe(0);
  });

  it('records a failed refresh as failed (500) and frees the runner for the next one', async () => {
    let fail = true;
    server = await startTestServer({
      config: serveConfig({ manualRefreshIntervalSeconds: 0 }),
      refresh: async () => {
        if (fail) throw new Error('store: disk full');
        return RESULT;
      },
    });
    const res = await post('/refresh', TOKEN);
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text).run).toMatchObject({ outcome: 'failed', error: 'store: disk full' });
    fail = false;
    expect((await post('/refresh', TOKEN)).status).toBe(200);
  });

  it('reports a source that hit an internal error as a source failure, not a clean run', async () => {
    server = await startTestServer({
      config: serveConfig({ manualRefreshIntervalSeconds: 0 }),
      refresh: async () => ({ ...RESULT, outcomes: [{ sourceId: 'iso_42001', verdict: 'internal', detail: 'internal: a bug', summaries: [] }] }),
    });
    const res = await post('/refresh', TOKEN);
    expect(JSON.parse(res.text).run).toMatchObject({ outcome: 'sources-failed' });
  });

  it('answers a refresh abandoned at shutdown with 503', async () => {
    server = await startTestServer({ refresh: () => new Promise<RefreshResult>(() => {}) });
    const pending = post('/refresh', TOKEN);
    await expect.poll(() => server!.runner.current()).not.toBeNull();
    server.runner.stop();
    server.runner.abandon();
    const res = await pending;
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text).run.outcome).toBe('abandoned');
    expect(server.runner.current()).toBeNull();
    expect(await server.runner.start('schedule')).toEqual({ started: false, reason: 'stopping' });
  });

  it('abandoning aborts the refresh’s signal and resolves once the refresh has stopped', async () => {
    let seen: AbortSignal | undefined;
    let stoppedAfterAbort = false;
    server = await startTestServer({
      refresh: (_trigger, signal) => {
        seen = signal;
        return new Promise<RefreshResult>((_resolve, reject) => {
          signal.addEventListener('abort', () =>
            setTimeout(() => {
              stoppedAfterAbort = true;
              reject(signal.reason);
            }, 50),
          );
        });
      },
    });
    const pending = post('/refresh', TOKEN);
    await expect.poll(() => seen).toBeDefined();
    expect(seen!.aborted).toBe(false);
    server.runner.stop();
    await server.runner.abandon();
    expect(seen!.aborted).toBe(true);
    expect((seen!.reason as Error).message).toBe('the server is shutting down');
    expect(stoppedAfterAbort).toBe(true);
    expect((await pending).status).toBe(503);
    // The abandoned refresh's rejection is not reported as a failure.
    expect(server.log.filter((l) => l.includes('failed'))).toEqual([]);
  });
});

describe('the schedule', () => {
  it.each([
    ['0 6 * * *', 'UTC', null],
    ['*/15 * * * *', 'Europe/Berlin', null],
    ['0 6 * *', 'UTC', '--schedule "0 6 * *"'],
    ['0 25 * * *', 'UTC', '--schedule "0 25 * * *"'],
    ['every day', 'UTC', '--schedule "every day"'],
    ['0 6 * * *', 'Mars/Olympus_Mons', '--timezone "Mars/Olympus_Mons"'],
  ])('%s in %s: %s', (cron, timezone, problem) => {
    const found = scheduleProblem(cron, timezone);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it('computes the next run in the schedule time zone, and none once stopped', () => {
    for (const [timezone, utcHour] of [
      ['UTC', 6],
      ['Asia/Kolkata', 0],
    ] as const) {
      const scheduler = createCronScheduler({ cron: '30 6 * * *', timezone, run: async () => {} });
      expect(scheduler.nextRun()).toBeNull();
      scheduler.start();
      try {
        const next = scheduler.nextRun()!;
        expect(next.getTime()).toBeGreaterThan(Date.now());
        expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);
        // 06:30 in Kolkata (UTC+05:30) is 01:00 UTC.
        expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual(timezone === 'UTC' ? [utcHour, 30] : [1, 0]);
      } finally {
        scheduler.stop();
      }
      expect(scheduler.nextRun()).toBeNull();
    }
  });

  it('never overlaps: ticks that come while a refresh runs are skipped', async () => {
    const gate = deferred<void>();
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const scheduler = createCronScheduler({
      cron: '* * * * * *', // every second
      timezone: 'UTC',
      log: (line) => log.push(line),
      run: async () => {
        runs += 1;
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await gate.promise;
        running -= 1;
      },
    });
    scheduler.start();
    try {
      await expect.poll(() => log.filter((l) => l.includes('skipped')).length, { timeout: 10_000, interval: 100 }).toBeGreaterThanOrEqual(2);
      expect(runs).toBe(1);
      expect(maxRunning).toBe(1);
    } finally {
      gate.resolve();
      scheduler.stop();
    }
  });
});
