import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';

// Two refreshes at once (the schedule and a manual one, or two terminals) must not both run. The
// lock is a row in the database, taken inside BEGIN IMMEDIATE so that checking and taking it is one
// step. A row whose process is gone (a refresh killed with SIGKILL), or that a previous process
// with our pid left behind (a restarted container), is stale and taken over.

export class LockBusyError extends Error {
  readonly code = 'REGWATCH_LOCK_BUSY';
  constructor(readonly ownerPid: number) {
    super(`refresh: another refresh is running (pid ${ownerPid}); try again when it has finished`);
  }
}

export interface RunLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryAcquire(db: Database.Database, token: string): { lock: RunLock } | { busyPid: number } {
  return db
    .transaction(() => {
      const row = db.prepare('SELECT pid, token FROM run_lock WHERE id = 1').get() as { pid: number; token: string } | undefined;
      if (row !== undefined && row.pid !== process.pid && alive(row.pid)) return { busyPid: row.pid };
      if (row !== undefined && row.pid === process.pid && heldTokens.has(row.token)) return { busyPid: row.pid };
      db.prepare('INSERT OR REPLACE INTO run_lock (id, pid, token, acquired_at) VALUES (1, ?, ?, ?)').run(process.pid, token, new Date().toISOString());
      heldTokens.add(token);
      let released = false;
      return {
        lock: {
          release() {
            if (released) return;
            released = true;
            heldTokens.delete(token);
            if (db.open) db.prepare('DELETE FROM run_lock WHERE id = 1 AND token = ?').run(token);
          },
        },
      };
    })
    .immediate();
}

/** Tokens of the locks this process holds: a row with our pid but another token is a previous process's. */
const heldTokens = new Set<string>();

/** Waits up to `waitMs` for the lock, polling; then throws LockBusyError. */
export async function acquireRunLock(db: Database.Database, waitMs: number, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<RunLock> {
  const token = randomUUID();
  const deadline = Date.now() + waitMs;
  for (;;) {
    const attempt = tryAcquire(db, token);
    if ('lock' in attempt) return attempt.lock;
    if (Date.now() >= deadline) throw new LockBusyError(attempt.busyPid);
    await sleep(Math.min(250, Math.max(1, deadline - Date.now())));
  }
}
