import type Database from 'better-sqlite3';
import { OperatorError } from '../model/operator-error.js';

// Plain SQL, append-only: a released migration is never edited, a new one is appended.
// PRAGMA user_version records how many have been applied.

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    trigger TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT
  );
  CREATE TABLE checks (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    source_id TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('changed', 'unchanged', 'unreadable', 'extraction-failed')),
    detail TEXT,
    url TEXT NOT NULL,
    http_status INTEGER,
    sha256 TEXT,
    fetched_at TEXT
  );
  CREATE INDEX checks_source ON checks (source_id, id);
  -- The baseline: the last validated record of each document as each source reports it.
  CREATE TABLE documents (
    source_id TEXT NOT NULL,
    doc_key TEXT NOT NULL,
    record_json TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    last_changed TEXT NOT NULL,
    change_count INTEGER NOT NULL,
    PRIMARY KEY (source_id, doc_key)
  );
  -- What one check saw change in one document; composed into items (one per document per run).
  CREATE TABLE observations (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    check_id INTEGER NOT NULL REFERENCES checks(id),
    source_id TEXT NOT NULL,
    doc_key TEXT,
    seq INTEGER NOT NULL,
    observation_json TEXT NOT NULL,
    item_id TEXT
  );
  CREATE INDEX observations_pending ON observations (item_id, run_id);
  CREATE TABLE items (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    source_id TEXT NOT NULL,
    doc_key TEXT,
    observed_at TEXT NOT NULL,
    severity_rank INTEGER NOT NULL,
    item_json TEXT NOT NULL
  );
  CREATE INDEX items_severity ON items (severity_rank, seq);
  CREATE INDEX items_observed ON items (observed_at);
  -- Every source that reported an item (the lead and those in alsoSeenBy).
  CREATE TABLE item_sources (
    item_seq INTEGER NOT NULL REFERENCES items(seq),
    source_id TEXT NOT NULL,
    PRIMARY KEY (source_id, item_seq)
  );
  CREATE TABLE source_state (
    source_id TEXT PRIMARY KEY,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    degraded INTEGER NOT NULL DEFAULT 0,
    last_verdict TEXT,
    last_detail TEXT,
    last_checked_at TEXT,
    last_good_at TEXT,
    last_change_at TEXT,
    etag TEXT,
    last_modified TEXT,
    baselined INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE host_state (
    host TEXT PRIMARY KEY,
    not_before INTEGER,
    robots_fetched_at INTEGER,
    robots_status INTEGER,
    robots_body TEXT
  );
  `,
  `
  -- One refresh at a time across processes; the token tells a previous process with the same pid
  -- (a restarted container) from this one.
  CREATE TABLE run_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pid INTEGER NOT NULL,
    token TEXT NOT NULL,
    acquired_at TEXT NOT NULL
  );
  -- An item's resulting state (event and stage), so a second source seeing the same move later
  -- joins the item instead of making another.
  ALTER TABLE items ADD COLUMN state TEXT;
  CREATE INDEX items_document ON items (doc_key, seq);
  -- What a source watched and with which watcher version at its last check: a newly followed
  -- document or committee is a baseline, and a new watcher version re-reads an unchanged body.
  ALTER TABLE source_state ADD COLUMN scope TEXT;
  ALTER TABLE source_state ADD COLUMN watcher_version TEXT;
  `,
  `
  -- The run lock is a lease: its holder's host (where its pid means something: boot and PID
  -- namespace) and a heartbeat (epoch ms) renewed while held. Another host, whose pids are not
  -- ours to test, takes over only a lease whose heartbeat has lapsed.
  ALTER TABLE run_lock ADD COLUMN host TEXT NOT NULL DEFAULT '';
  ALTER TABLE run_lock ADD COLUMN heartbeat_at INTEGER NOT NULL DEFAULT 0;
  -- Optimistic concurrency: bumped by every check of the source; a check whose baselines were read
  -- at another revision is refused.
  ALTER TABLE source_state ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- Kinds of source (issue 9). A check may end 'internal' (regwatch failed, not the source), and
  -- every check keeps the stable code of what ended it; the source remembers its last one. SQLite
  -- cannot change a CHECK constraint in place: the table is rebuilt (foreign keys off, see migrate).
  CREATE TABLE checks_rebuilt (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    source_id TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('changed', 'unchanged', 'unreadable', 'extraction-failed', 'internal')),
    detail TEXT,
    url TEXT NOT NULL,
    http_status INTEGER,
    sha256 TEXT,
    fetched_at TEXT,
    code TEXT
  );
  INSERT INTO checks_rebuilt (id, run_id, source_id, checked_at, verdict, detail, url, http_status, sha256, fetched_at)
    SELECT id, run_id, source_id, checked_at, verdict, detail, url, http_status, sha256, fetched_at FROM checks;
  DROP TABLE checks;
  ALTER TABLE checks_rebuilt RENAME TO checks;
  CREATE INDEX checks_source ON checks (source_id, id);
  ALTER TABLE source_state ADD COLUMN last_code TEXT;
  -- Records gain a common phase. Baselines stored before all carry a harmonized stage code, from
  -- which the phase follows (the mapping of src/rules/harmonized-stages.ts phaseOfStage).
  UPDATE documents SET record_json = json_set(record_json, '$.phase',
    CASE
      WHEN substr(json_extract(record_json, '$.stage'), 4, 2) = '98' THEN 'deleted'
      WHEN json_extract(record_json, '$.stage') = '95.99' THEN 'withdrawn'
      WHEN CAST(substr(json_extract(record_json, '$.stage'), 1, 2) AS INTEGER) <= 10 THEN 'proposal'
      WHEN CAST(substr(json_extract(record_json, '$.stage'), 1, 2) AS INTEGER) <= 30 THEN 'drafting'
      WHEN substr(json_extract(record_json, '$.stage'), 1, 2) = '40' THEN 'enquiry'
      WHEN substr(json_extract(record_json, '$.stage'), 1, 2) = '50' THEN 'approval'
      WHEN json_extract(record_json, '$.stage') = '60.60' THEN 'published'
      WHEN substr(json_extract(record_json, '$.stage'), 1, 2) = '60' THEN 'publishing'
      WHEN substr(json_extract(record_json, '$.stage'), 1, 2) = '90' THEN 'review'
      ELSE 'withdrawing'
    END)
  WHERE json_extract(record_json, '$.phase') IS NULL AND json_extract(record_json, '$.stage') IS NOT NULL;
  `,
  `
  -- Issue 12. The outbox: one row per message a channel is owed, written in the transaction that
  -- creates its items (items.ts composeItems), so no item is published without its deliveries and
  -- none is queued twice (delivery_key is X-Regwatch-Delivery: channel and item, or channel and a
  -- digest's items). Messages are rebuilt from the items at send time; only ids are kept here.
  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    channel_id TEXT NOT NULL,
    delivery_key TEXT NOT NULL UNIQUE,
    item_ids TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    -- A sender's claim: other senders (serve's timer, another process) leave the row alone until
    -- then; a sender killed mid-send leaves a claim that simply runs out.
    claimed_until TEXT,
    last_attempt_at TEXT,
    last_code TEXT,
    last_error TEXT,
    done_at TEXT
  );
  CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
  CREATE INDEX deliveries_channel ON deliveries (channel_id, state);
  -- Why robots.txt could not be fetched (name not resolved, refused, timeout), said before the
  -- RFC 9309 consequence while the failure is cached.
  ALTER TABLE host_state ADD COLUMN robots_failure TEXT;
  `,
];

/** Migrations that rebuild a table run with foreign keys off (SQLite's documented 12-step ALTER TABLE). */
const REBUILDS_TABLES = new Set([3]);

/** `name`: the database file, for the message when it cannot be migrated. */
export function migrate(db: Database.Database, name: string = db.name): void {
  const applied = db.pragma('user_version', { simple: true }) as number;
  refuseNewerSchema(applied, name);
  for (let version = applied; version < MIGRATIONS.length; version++) {
    const rebuild = REBUILDS_TABLES.has(version);
    // PRAGMA foreign_keys is a no-op inside a transaction: it is switched around it.
    if (rebuild) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(MIGRATIONS[version]!);
        if (rebuild && (db.pragma('foreign_key_check') as unknown[]).length > 0) throw new Error(`store: migration ${version + 1} broke a foreign key`);
        db.pragma(`user_version = ${version + 1}`);
      })();
    } finally {
      if (rebuild) db.pragma('foreign_keys = ON');
    }
  }
}

/** A SQLite file that another program made (tables, no schema version of ours) is never taken over. */
export function refuseForeignDatabase(db: Database.Database, version: number, name: string): void {
  if (version !== 0) return;
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>
  ).map((row) => row.name);
  if (tables.length === 0) return;
  // Another regwatch may have committed its first migration between the two reads: ours after all.
  if ((db.pragma('user_version', { simple: true }) as number) !== 0) return;
  const named = tables.length > 5 ? `${tables.slice(0, 5).join(', ')}, …` : tables.join(', ');
  throw new OperatorError(
    'REGWATCH_DATABASE_UNUSABLE',
    `${name}: is not a regwatch database (it holds other tables: ${named}); move it away or give another --data`,
  );
}

export function refuseNewerSchema(version: number, name: string): void {
  if (version <= MIGRATIONS.length) return;
  throw new OperatorError(
    'REGWATCH_SCHEMA_NEWER',
    `store: ${name}: database schema version ${version} is newer than this regwatch (${MIGRATIONS.length}); upgrade regwatch`,
  );
}
