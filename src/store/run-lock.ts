import { RegwatchError } from '../model/errors.js';
import { randomUUID } from 'node:crypto';
import { hostIdentity, hostName } from './host-identity.js';
import type { LockRow, RunLockTable } from './run-lock-table.js';

// Two refreshes at once (the schedule and a manual one, two terminals, two containers sharing one
// data volume) must not both run. The lock is a row in the database, checked and taken inside one
// BEGIN IMMEDIATE, and a lease: its holder renews a heartbeat while it holds it.
// - On this host (same boot, same PID namespace) a row whose process is gone (SIGKILL), or that a
//   previous process with our pid left (a restarted container), is stale at once.
// - Another host's pids mean nothing here: its row is stale only when its heartbeat is older than
//   the lease (it died, or lost the volume).

export class LockBusyError extends RegwatchError<'REGWATCH_LOCK_BUSY'> {
  constructor(
    readonly ownerPid: number,
    detail = '',
  ) {
    super('REGWATCH_LOCK_BUSY', `refresh: another refresh is running (pid ${ownerPid}${detail}); try again when it has finished`);
  }
}

export interface RunLock {
  release(): void;
}

export interface LeaseOptions {
  /** This host's identity (hostIdentity() unless a test plays two hosts). */
  host?: string;
  /** How long another host's lock stays live without a heartbeat; renewed every quarter of it. */
  leaseMs?: number;
  /** The clock of heartbeats (epoch ms). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_LEASE_MS = 60_000;

type Attempt = { lock: RunLock } | { busy: LockBusyError };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why `row` still holds the lock, or null when it is stale. */
function stillHeld(row: LockRow, host: string, leaseMs: number, now: number): LockBusyError | null {
  // '' is a row written before leases (migration 3): judged as this host's, as it was then.
  if (row.host === host || row.host === '') {
    if (row.pid === process.pid) return heldTokens.has(row.token) ? new LockBusyError(row.pid) : null;
    return alive(row.pid) ? new LockBusyError(row.pid) : null;
  }
  const age = now - row.heartbeatAt;
  if (age >= leaseMs) return null;
  return new LockBusyError(row.pid, ` on ${hostName(row.host)}, heartbeat ${Math.max(0, Math.round(age / 1000))} s ago`);
}

function tryAcquire(table: RunLockTable, token: string, host: string, leaseMs: number, now: () => number): Attempt {
  const busy = table.claimUnlessHeld(
    (row) => (row === undefined ? null : stillHeld(row, host, leaseMs, now())),
    () => {
      const at = now();
      return { pid: process.pid, token, acquiredAt: new Date(at).toISOString(), host, heartbeatAt: at };
    },
  );
  if (busy !== null) return { busy };
  heldTokens.add(token);
  return { lock: heldLock(table, token, leaseMs, now) };
}

function heldLock(table: RunLockTable, token: string, leaseMs: number, now: () => number): RunLock {
  const heartbeat = setInterval(
    () => {
      if (!table.isOpen()) return clearInterval(heartbeat);
      try {
        // No row with our token: another host took the lease over; never take it back from here.
        if (!table.renew(token, now())) clearInterval(heartbeat);
      } catch {
        // busy for longer than busy_timeout: the next beat tries again, well inside the lease
      }
    },
    Math.max(1, Math.floor(leaseMs / 4)),
  );
  heartbeat.unref();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      heldTokens.delete(token);
      try {
        if (table.isOpen()) table.remove(token);
      } catch {
        // a damaged or vanished database: the row left is stale once this process is gone
      }
    },
  };
}

/** Tokens of the locks this process holds: a row with our pid but another token is a previous process's. */
const heldTokens = new Set<string>();

/** Waits up to `waitMs` for the lock (the store's `runLock`), polling; then throws LockBusyError. */
export async function acquireRunLock(table: RunLockTable, waitMs: number, options: LeaseOptions = {}): Promise<RunLock> {
  const host = options.host ?? hostIdentity();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const token = randomUUID();
  // Waiting is measured on the real clock, whatever clock the lease is read with.
  const deadline = Date.now() + waitMs;
  for (;;) {
    const attempt = tryAcquire(table, token, host, leaseMs, now);
    if ('lock' in attempt) return attempt.lock;
    if (Date.now() >= deadline) throw attempt.busy;
    await sleep(Math.min(250, Math.max(1, deadline - Date.now())));
  }
}
