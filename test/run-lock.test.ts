import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { openStore, type Store } from '../src/store/store.js';
import { acquireRunLock, LockBusyError } from '../src/run-lock.js';

// The run lock is a database row: stale rows (a dead owner, or a previous process with our pid)
// are taken over; a live owner in another process keeps it.

const stores: Store[] = [];
function store(): Store {
  const s = openStore(':memory:');
  stores.push(s);
  return s;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('run lock', () => {
  it('is exclusive within a process until released', async () => {
    const s = store();
    const lock = await acquireRunLock(s.db, 0);
    await expect(acquireRunLock(s.db, 0)).rejects.toBeInstanceOf(LockBusyError);
    lock.release();
    (await acquireRunLock(s.db, 0)).release();
  });

  it('keeps out others while its owner lives in another process', async () => {
    const s = store();
    s.db.prepare("INSERT INTO run_lock VALUES (1, ?, 'theirs', '2026-01-01T00:00:00Z')").run(process.ppid);
    await expect(acquireRunLock(s.db, 300)).rejects.toThrow(`another refresh is running (pid ${process.ppid})`);
  });

  it('takes over a lock whose owner died (SIGKILL), and one a previous process with our pid left', async () => {
    const s = store();
    s.db.prepare("INSERT INTO run_lock VALUES (1, ?, 'dead', '2026-01-01T00:00:00Z')").run(deadPid());
    (await acquireRunLock(s.db, 0)).release();
    s.db.prepare("INSERT INTO run_lock VALUES (1, ?, 'restarted-container', '2026-01-01T00:00:00Z')").run(process.pid);
    const lock = await acquireRunLock(s.db, 0);
    expect(s.db.prepare('SELECT pid FROM run_lock').get()).toEqual({ pid: process.pid });
    lock.release();
    expect(s.db.prepare('SELECT count(*) AS n FROM run_lock').get()).toEqual({ n: 0 });
  });
});
