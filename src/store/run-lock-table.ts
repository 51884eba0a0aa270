import type Database from 'better-sqlite3';

// The run_lock table's one row, SQL only: who holds the lock is run-lock.ts's to decide.

export interface LockRow {
  pid: number;
  token: string;
  host: string;
  /** Epoch ms. */
  heartbeatAt: number;
}

export interface RunLockTable {
  /**
   * In one BEGIN IMMEDIATE: reads the row and, unless `heldBy` says who still holds it, writes
   * `claim()` in its place. Returns what `heldBy` said, or null when the row is now the claimed one.
   */
  claimUnlessHeld<Busy>(heldBy: (row: LockRow | undefined) => Busy | null, claim: () => LockRow & { acquiredAt: string }): Busy | null;
  /** False when the row is no longer `token`'s (another host took the lease over). */
  renew(token: string, heartbeatAt: number): boolean;
  remove(token: string): void;
  /** False once the store is closed. */
  isOpen(): boolean;
}

export function runLockTable(db: Database.Database): RunLockTable {
  const statements = {
    read: db.prepare('SELECT pid, token, host, heartbeat_at FROM run_lock WHERE id = 1'),
    claim: db.prepare('INSERT OR REPLACE INTO run_lock (id, pid, token, acquired_at, host, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?)'),
    renew: db.prepare('UPDATE run_lock SET heartbeat_at = ? WHERE id = 1 AND token = ?'),
    remove: db.prepare('DELETE FROM run_lock WHERE id = 1 AND token = ?'),
  };
  return {
    claimUnlessHeld(heldBy, claim) {
      return db
        .transaction(() => {
          const row = statements.read.get() as { pid: number; token: string; host: string; heartbeat_at: number } | undefined;
          const busy = heldBy(row === undefined ? undefined : { pid: row.pid, token: row.token, host: row.host, heartbeatAt: row.heartbeat_at });
          if (busy !== null) return busy;
          const ours = claim();
          statements.claim.run(ours.pid, ours.token, ours.acquiredAt, ours.host, ours.heartbeatAt);
          return null;
        })
        .immediate();
    },
    renew(token, heartbeatAt) {
      return statements.renew.run(heartbeatAt, token).changes > 0;
    },
    remove(token) {
      statements.remove.run(token);
    },
    isOpen() {
      return db.open;
    },
  };
}
