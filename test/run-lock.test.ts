import { afterEach, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../src/store/store.js';
import { acquireRunLock, LockBusyError } from '../src/store/run-lock.js';
import { hostIdentity } from '../src/store/host-identity.js';
import { countRows, selectRows, writeRow } from './helpers/database-file.js';

// The run lock is a database row and a lease. On this host (this boot, this PID namespace) a row
// whose process is gone, or that a previous process with our pid left, is stale at once. Another
// host's row (another container on the same data volume) is taken over only when its heartbeat is
// older than the lease: its pid means nothing here.

const stores: Store[] = [];
const dirs: string[] = [];
function store(path = databaseFile()): Store {
  const s = openStore(path);
  stores.push(s);
  return s;
}
/** One database file; as two containers sharing a data volume see it when opened twice. */
function databaseFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regwatch-lock-'));
  dirs.push(dir);
  return join(dir, 'regwatch.sqlite');
}
afterEach(() => {
  vi.useRealTimers();
  for (const s of stores.splice(0)) s.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

/** A lock row as another process would have left it. */
function insertLock(s: Store, row: { pid: number; token: string; host: string; heartbeatAt: number }): void {
  writeRow(
    s.path,
    "INSERT INTO run_lock (id, pid, token, acquired_at, host, heartbeat_at) VALUES (1, ?, ?, '2026-01-01T00:00:00Z', ?, ?)",
    row.pid,
    row.token,
    row.host,
    row.heartbeatAt,
  );
}

const lockRow = (s: Store) =>
  selectRows<{ pid: number; token: string; host: string; heartbeatAt: number }>(
    s.path,
    'SELECT pid, token, host, heartbeat_at AS heartbeatAt FROM run_lock',
  )[0];

describe('run lock on one host', () => {
  it('is exclusive within a process until released', async () => {
    const s = store();
    const lock = await acquireRunLock(s.runLock, 0);
    await expect(acquireRunLock(s.runLock, 0)).rejects.toBeInstanceOf(LockBusyError);
    lock.release();
    (await acquireRunLock(s.runLock, 0)).release();
  });

  it('keeps out others while its owner lives in another process', async () => {
    const s = store();
    insertLock(s, { pid: process.ppid, token: 'theirs', host: hostIdentity(), heartbeatAt: 0 });
    await expect(acquireRunLock(s.runLock, 300)).rejects.toThrow(`another refresh is running (pid ${process.ppid})`);
  });

  it('takes over at once a lock whose owner died (SIGKILL), and one a previous process with our pid left', async () => {
    const s = store();
    insertLock(s, { pid: deadPid(), token: 'dead', host: hostIdentity(), heartbeatAt: Date.now() });
    (await acquireRunLock(s.runLock, 0)).release();
    insertLock(s, { pid: process.pid, token: 'restarted-container', host: hostIdentity(), heartbeatAt: Date.now() });
    const lock = await acquireRunLock(s.runLock, 0);
    expect(lockRow(s)).toMatchObject({ pid: process.pid, host: hostIdentity() });
    lock.release();
    expect(countRows(s.path, 'run_lock')).toBe(0);
  });

  it('names this host by its boot and PID namespace, not its hostname alone', () => {
    expect(hostIdentity()).toMatch(/^[^/]+\/[^/]+\/[^/]+$/);
    expect(hostIdentity()).toBe(hostIdentity());
  });
});

describe('run lock across hosts sharing one data volume (a lease)', () => {
  it('keeps out another host while the holder holds it, then lets it in', async () => {
    const path = databaseFile();
    const a = store(path);
    const b = store(path);
    const held = await acquireRunLock(a.runLock, 0, { host: 'host-a' });
    await expect(acquireRunLock(b.runLock, 0, { host: 'host-b' })).rejects.toThrow(/another refresh is running \(pid \d+ on host-a, heartbeat \d+ s ago\)/);
    held.release();
    const taken = await acquireRunLock(b.runLock, 0, { host: 'host-b' });
    expect(lockRow(b)).toMatchObject({ host: 'host-b' });
    taken.release();
  });

  it('respects a live lease of another host even when its pid does not exist here', async () => {
    const path = databaseFile();
    const a = store(path);
    const b = store(path);
    const held = await acquireRunLock(a.runLock, 0, { host: 'host-a' });
    // what reproduced the double publish: the other container's pid is meaningless here
    writeRow(a.path, 'UPDATE run_lock SET pid = ?', deadPid());
    await expect(acquireRunLock(b.runLock, 0, { host: 'host-b' })).rejects.toBeInstanceOf(LockBusyError);
    expect(lockRow(b)).toMatchObject({ host: 'host-a' });
    held.release();
  });

  it("takes over another host's lease once its heartbeat is older than the lease, even if that pid lives here", async () => {
    const s = store();
    const now = 1_767_225_600_000;
    insertLock(s, { pid: process.ppid, token: 'lapsed', host: 'host-a', heartbeatAt: now - 60_001 });
    const lock = await acquireRunLock(s.runLock, 0, { host: 'host-b', leaseMs: 60_000, now: () => now });
    expect(lockRow(s)).toMatchObject({ host: 'host-b', pid: process.pid, heartbeatAt: now });
    lock.release();
    insertLock(s, { pid: deadPid(), token: 'live', host: 'host-a', heartbeatAt: now - 59_000 });
    await expect(acquireRunLock(s.runLock, 0, { host: 'host-b', leaseMs: 60_000, now: () => now })).rejects.toBeInstanceOf(LockBusyError);
  });

  it('renews its heartbeat while held, so a long refresh keeps its lease; stops renewing once released', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const path = databaseFile();
    const a = store(path);
    const b = store(path);
    let now = 1_767_225_600_000;
    const clock = () => now;
    const held = await acquireRunLock(a.runLock, 0, { host: 'host-a', leaseMs: 60_000, now: clock });
    for (let i = 0; i < 8; i++) {
      now += 15_000;
      vi.advanceTimersByTime(15_000);
    }
    // two minutes after it was taken, the lease is still fresh
    expect(lockRow(a)?.heartbeatAt).toBe(now);
    await expect(acquireRunLock(b.runLock, 0, { host: 'host-b', leaseMs: 60_000, now: clock })).rejects.toBeInstanceOf(LockBusyError);
    held.release();
    insertLock(a, { pid: 1, token: 'other', host: 'host-c', heartbeatAt: 5 });
    vi.advanceTimersByTime(60_000);
    expect(lockRow(a)?.heartbeatAt).toBe(5);
  });

  it('never renews or releases a lease another host has taken over', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const path = databaseFile();
    const a = store(path);
    const b = store(path);
    let now = 1_767_225_600_000;
    const clock = () => now;
    const stalled = await acquireRunLock(a.runLock, 0, { host: 'host-a', leaseMs: 40_000, now: clock }); // renews every 10 s
    now += 61_000; // host-a's process was frozen past any lease
    const taken = await acquireRunLock(b.runLock, 0, { host: 'host-b', leaseMs: 60_000, now: clock }); // renews every 15 s
    const takenAt = now;
    now += 10_000;
    vi.advanceTimersByTime(10_000); // host-a's renewal comes due, host-b's not yet
    stalled.release();
    expect(lockRow(b)).toMatchObject({ host: 'host-b', heartbeatAt: takenAt });
    taken.release();
  });
});
