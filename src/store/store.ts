import { openDatabase } from './open-database.js';
import { runsTable } from './runs.js';
import { checksTables } from './checks.js';
import { itemsTables } from './items.js';
import { deliveriesTable } from './deliveries.js';
import { hostStateTable } from './host-state.js';
import { runLockTable } from './run-lock-table.js';
import { storedJsonReader } from './stored-json.js';

export type { CheckWrite, LastCleanCheck, SourceStateRow, StoredSourceState } from './checks.js';
export type { ItemQuery, Outbox } from './items.js';
export type { ChannelCounts, Delivery, DeliveryState, PlannedDelivery } from './deliveries.js';

// SQLite through better-sqlite3, WAL, plain SQL. The store is its tables, one module each by what
// they hold; the database handle stays in here. Everything one check learns is written in one
// transaction (checks.ts), and so is composing items from observations (items.ts).

export interface StoreOptions {
  /** Called inside each write transaction before it commits (crash-safety tests kill the process here). */
  onTransaction?: (name: 'check' | 'compose') => void;
  /** For the commands that only read: works on a database (and folder) this user cannot write. */
  readonly?: boolean;
}

export type Store = ReturnType<typeof openStore>;

export function openStore(path: string, options: StoreOptions = {}) {
  const db = openDatabase(path, options.readonly ?? false);
  const storedJson = storedJsonReader(path);
  const deliveries = deliveriesTable(db);
  return {
    /** The database file (the handle's own name is not it for a read-only copy in memory). */
    path,
    close(): void {
      if (db.open) db.close();
    },
    ...runsTable(db),
    ...checksTables(db, storedJson, options.onTransaction),
    ...itemsTables(db, storedJson, deliveries, options.onTransaction),
    /** The notification outbox: what each channel is owed, queued with the items (issue 12). */
    deliveries,
    /** Per-host politeness kept across runs: a 429/503 "not before" time and the robots.txt cache. */
    hostState: hostStateTable(db),
    /** The row of the run lock, for acquireRunLock (run-lock.ts). */
    runLock: runLockTable(db),
  };
}
