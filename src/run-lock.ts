import { openSync, closeSync, writeSync, readFileSync, unlinkSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

// Two refreshes at once (the schedule and a manual one, or two terminals) must not both run. A lock
// file created with O_EXCL holds the owner's pid; a lock whose owner is gone (a refresh killed with
// SIGKILL) is stale and taken over.

export class LockBusyError extends Error {
  readonly code = 'REGWATCH_LOCK_BUSY';
  constructor(readonly path: string, readonly ownerPid: number | null) {
    super(`refresh: another refresh is running (pid ${ownerPid ?? 'unknown'}, lock ${path}); try again when it has finished`);
  }
}

export interface RunLock {
  release(): void;
}

function ownerOf(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryAcquire(path: string): RunLock | null {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        try {
          if (ownerOf(path) === process.pid) unlinkSync(path);
        } catch {
          // already gone
        }
      },
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = ownerOf(path);
    if (owner !== null && owner !== process.pid && !alive(owner)) {
      try {
        unlinkSync(path);
      } catch {
        // another process took it over first
      }
      return tryAcquire(path);
    }
    return null;
  }
}

/** Waits up to `waitMs` for the lock, polling; then throws LockBusyError. */
export async function acquireRunLock(path: string, waitMs: number, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<RunLock> {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lock = tryAcquire(path);
    if (lock !== null) return lock;
    if (Date.now() >= deadline) throw new LockBusyError(path, ownerOf(path));
    await sleep(Math.min(250, Math.max(1, deadline - Date.now())));
  }
}
