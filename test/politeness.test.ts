import { afterEach, describe, expect, it } from 'vitest';
import { createFetcher } from '../src/fetch/index.js';
import { createHostGate } from '../src/fetch/host-gate.js';
import { backoffDelay, isRetryable, parseRetryAfter } from '../src/fetch/retry.js';
import { fakeClock, memoryStore, send, startFaultServer, testFetcherDeps, type FaultServer } from './fault-server.js';

// Per-host politeness with an injected clock: nothing here waits on real time.

describe('createHostGate', () => {
  function setup(intervalMs = 5_000, maxWaitMs = 60_000) {
    const clock = fakeClock();
    const store = memoryStore();
    const gate = createHostGate({ intervalMs, maxWaitMs, store, now: clock.now, sleep: clock.sleep });
    const log: string[] = [];
    const task =
      (name: string, took = 0) =>
      async () => {
        log.push(`${name} start @${clock.now() - start}`);
        if (took > 0) await clock.sleep(took);
        log.push(`${name} end @${clock.now() - start}`);
        return name;
      };
    const start = clock.now();
    return { clock, store, gate, log, task, start };
  }

  it('runs one request per host at a time, spaced by the interval after the previous one ends', async () => {
    const { gate, log, task } = setup();
    const results = await Promise.all([gate.run('www.iso.org', task('a', 1_000)), gate.run('www.iso.org', task('b')), gate.run('www.iso.org', task('c'))]);
    expect(results.map((r) => r.kind === 'ran' && r.value)).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a start @0', 'a end @1000', 'b start @6000', 'b end @6000', 'c start @11000', 'c end @11000']);
  });

  it('does not serialise different hosts against each other', async () => {
    const { gate, clock } = setup();
    let releaseSlow = (): void => {};
    const slow = gate.run('a.example', () => new Promise<string>((resolve) => (releaseSlow = () => resolve('slow'))));
    const other = await gate.run('b.example', async () => 'fast'); // finishes while a.example is busy
    expect(other).toEqual({ kind: 'ran', value: 'fast' });
    expect(clock.sleeps).toEqual([]);
    releaseSlow();
    expect(await slow).toEqual({ kind: 'ran', value: 'slow' });
  });

  it('waits for a near not-before, reports a far one without running the task', async () => {
    const { gate, store, clock, log, task } = setup(0, 60_000);
    store.setNotBefore('h', clock.now() + 30_000);
    expect(await gate.run('h', task('near'))).toEqual({ kind: 'ran', value: 'near' });
    expect(clock.sleeps).toEqual([30_000]);
    store.setNotBefore('h', clock.now() + 61_000);
    expect(await gate.run('h', task('far'))).toEqual({ kind: 'not-before', until: clock.now() + 61_000 });
    expect(log.some((l) => l.startsWith('far'))).toBe(false);
  });

  it('releases the host when a task fails', async () => {
    const { gate } = setup(0);
    await expect(gate.run('h', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run('h', async () => 'next')).toEqual({ kind: 'ran', value: 'next' });
  });
});

describe('retry timing', () => {
  it('backs off exponentially with full jitter, capped', () => {
    const at = (attempt: number, r: number) => backoffDelay(attempt, { baseMs: 1_000, capMs: 8_000, random: () => r });
    expect([1, 2, 3, 4, 5].map((n) => at(n, 0.999_999))).toEqual([999, 1_999, 3_999, 7_999, 7_999]);
    expect(at(3, 0)).toBe(0);
  });

  it.each([
    [{ code: 'FETCH_NETWORK' }, true],
    [{ code: 'FETCH_TIMEOUT' }, true],
    [{ code: 'FETCH_HTTP_STATUS', status: 502 }, true],
    [{ code: 'FETCH_HTTP_STATUS', status: 429 }, false],
    [{ code: 'FETCH_HTTP_STATUS', status: 404 }, false],
    [{ code: 'FETCH_SOFT_ERROR', status: 200 }, false],
    [{ code: 'FETCH_TOO_LARGE' }, false],
    [{ code: 'FETCH_PRIVATE_ADDRESS' }, false],
  ])('retries %j: %s', (failure, expected) => {
    expect(isRetryable(failure)).toBe(expected);
  });

  const now = Date.UTC(2025, 0, 15, 12, 0, 0);
  it.each([
    ['120', now + 120_000],
    ['0', now],
    ['Wed, 15 Jan 2025 13:00:00 GMT', now + 3_600_000],
    ['Wednesday, 15-Jan-25 13:00:00 GMT', now + 3_600_000], // RFC 850
    ['Wed Jan 15 13:00:00 2025', now + 3_600_000], // asctime
    ['Wed, 15 Jan 2025 11:00:00 GMT', now], // in the past: now
    ['99999999', now + 24 * 3_600_000], // capped at a day
    ['-5', undefined],
    ['soon', undefined],
    ['', undefined],
  ])('Retry-After %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('fetch: requests to one host are spaced by hostIntervalMs', () => {
  let server: FaultServer;
  let other: FaultServer;
  afterEach(async () => {
    await server?.close();
    await other?.close();
  });

  it('spaces requests to one host, robots.txt included', async () => {
    const clock = fakeClock();
    const t0 = clock.now();
    const seen: string[] = [];
    const at = (name: string) => send(200, `<p>${name}</p>`);
    const stamp = (origin: () => string) => (path: string) => seen.push(`${origin()}${path} @${clock.now() - t0}`);
    server = await startFaultServer();
    other = await startFaultServer();
    for (const [srv, paths] of [
      [server, ['/a', '/b']],
      [other, ['/c']],
    ] as const) {
      const note = stamp(() => (srv === server ? 'one' : 'two'));
      srv.route('/robots.txt', (req, res) => (note('/robots.txt'), send(404)(req, res)));
      for (const p of paths) srv.route(p, (req, res) => (note(p), at(p)(req, res)));
    }
    const fetcher = createFetcher(testFetcherDeps(clock, { hostIntervalMs: 5_000 }));
    try {
      const results = await Promise.all([
        fetcher.get(`${server.origin}/a`, { maxBytes: 1000 }),
        fetcher.get(`${server.origin}/b`, { maxBytes: 1000 }),
        fetcher.get(`${other.origin}/c`, { maxBytes: 1000 }),
      ]);
      expect(results.map((r) => r.kind)).toEqual(['ok', 'ok', 'ok']);
      // Real sockets and a virtual clock interleave in no fixed order across hosts, so the check is
      // on gaps within each host; the gate's own tests pin down that hosts do not wait for each other.
      const gaps = (host: string) => {
        const times = seen.filter((s) => s.startsWith(host)).map((s) => Number(s.split('@')[1]));
        return times.slice(1).map((t, i) => t - (times[i] ?? 0));
      };
      expect(seen.filter((s) => s.startsWith('one')).map((s) => s.split(' ')[0])).toEqual(['one/robots.txt', 'one/a', 'one/b']);
      expect(gaps('one').every((g) => g >= 5_000)).toBe(true);
      expect(gaps('one')).toHaveLength(2);
      expect(gaps('two').every((g) => g >= 5_000)).toBe(true);
      expect(gaps('two')).toHaveLength(1);
    } finally {
      await fetcher.close();
    }
  });
});
