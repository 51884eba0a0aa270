import { openDatabase } from './open-database.js';
import { canonicalRecord, recordSchema, type DocumentRecord } from '../model/record.js';
import { filterRank, itemSchema, type Item, type Severity } from '../model/item.js';
import type { Verdict } from '../model/source-report.js';
import type { Observation } from '../model/observation.js';
import type { Composed } from '../pipeline/compose.js';
import { BaselineMovedError } from './baseline-moved-error.js';

// SQLite through better-sqlite3, WAL. Everything one check learns (the check, the new baselines,
// what changed, the source's health) is written in one transaction, so a refresh killed at any
// moment leaves either all of a check or none of it.

export interface SourceStateRow {
  sourceId: string;
  consecutiveFailures: number;
  degraded: boolean;
  lastVerdict: Verdict | null;
  lastDetail: string | null;
  /** The stable code of what ended the last check that failed (`FETCH_HTTP_STATUS`), null after a clean one. */
  lastCode: string | null;
  lastCheckedAt: string | null;
  lastGoodAt: string | null;
  lastChangeAt: string | null;
  etag: string | null;
  lastModified: string | null;
  baselined: boolean;
  /** JSON of what the source watched at its last check ({committees, documents}), if it says. */
  scope: string | null;
  /** The watcher version of the last clean check: another version re-reads an unchanged body. */
  watcherVersion: string | null;
}

/** A source's state as stored, with the revision a check must still find when it writes. */
export interface StoredSourceState extends SourceStateRow {
  /** Bumped by every stored check of the source; 0 before the first. */
  revision: number;
}

export interface CheckWrite {
  runId: number;
  sourceId: string;
  checkedAt: string;
  verdict: Verdict;
  detail: string | null;
  /** The stable code of what ended a failed check, null for a clean one. */
  code: string | null;
  url: string;
  httpStatus: number | null;
  sha256: string | null;
  fetchedAt: string | null;
  /**
   * The source's revision when this check read its state and baselines (0 when it had none): the
   * write is refused with BaselineMovedError when another check was stored since.
   */
  readRevision: number;
  /** Validated records whose baseline is new or changed (a clean extraction only). */
  baselines: DocumentRecord[];
  /** Built once the new change counts are known: one per document that changed, or a health event. */
  observations: (seqOf: (docKey: string) => number, checkId: number) => Observation[];
  /** The source's health after this check; conditional-GET validators to keep. */
  state: Omit<SourceStateRow, 'sourceId'>;
}

export interface ItemQuery {
  source?: string;
  minSeverity?: Severity;
  /** Items observed at or after this instant. */
  since?: string;
  /** Items older than this cursor (an item's seq, as returned in `nextCursor`). */
  before?: number;
  limit?: number;
}

export type Store = ReturnType<typeof openStore>;

/** `observations.item_id` of an observation whose news other documents' items tell, none composed now (refused). */
const FOLDED = 'folded';

export interface StoreOptions {
  /** Called inside each write transaction before it commits (crash-safety tests kill the process here). */
  onTransaction?: (name: 'check' | 'compose') => void;
  /** For the commands that only read: works on a database (and folder) this user cannot write. */
  readonly?: boolean;
}

export function openStore(path: string, options: StoreOptions = {}) {
  const db = openDatabase(path, options.readonly ?? false);

  const statements = {
    beginRun: db.prepare('INSERT INTO runs (trigger, started_at) VALUES (?, ?)'),
    finishRun: db.prepare('UPDATE runs SET finished_at = ?, outcome = ? WHERE id = ?'),
    closeInterruptedRuns: db.prepare(`
      UPDATE runs SET outcome = 'interrupted',
        finished_at = coalesce((SELECT max(checked_at) FROM checks WHERE run_id = runs.id), started_at)
      WHERE finished_at IS NULL RETURNING id`),
    lastRun: db.prepare('SELECT id, trigger, started_at, finished_at, outcome FROM runs ORDER BY id DESC LIMIT 1'),
    baselines: db.prepare('SELECT doc_key, record_json FROM documents WHERE source_id = ? ORDER BY doc_key'),
    changeCount: db.prepare('SELECT change_count FROM documents WHERE source_id = ? AND doc_key = ?'),
    upsertDocument: db.prepare(`
      INSERT INTO documents (source_id, doc_key, record_json, first_seen, last_seen, last_changed, change_count)
      VALUES (@source, @key, @json, @at, @at, @at, 1)
      ON CONFLICT (source_id, doc_key) DO UPDATE SET
        record_json = excluded.record_json, last_seen = excluded.last_seen,
        last_changed = excluded.last_changed, change_count = change_count + 1`),
    touchDocuments: db.prepare('UPDATE documents SET last_seen = ? WHERE source_id = ?'),
    insertCheck: db.prepare(`
      INSERT INTO checks (run_id, source_id, checked_at, verdict, detail, code, url, http_status, sha256, fetched_at)
      VALUES (@runId, @sourceId, @checkedAt, @verdict, @detail, @code, @url, @httpStatus, @sha256, @fetchedAt)`),
    insertObservation: db.prepare(`
      INSERT INTO observations (run_id, check_id, source_id, doc_key, seq, observation_json)
      VALUES (?, ?, ?, ?, ?, ?)`),
    sourceState: db.prepare('SELECT * FROM source_state WHERE source_id = ?'),
    revision: db.prepare('SELECT revision FROM source_state WHERE source_id = ?'),
    upsertState: db.prepare(`
      INSERT INTO source_state (source_id, consecutive_failures, degraded, last_verdict, last_detail, last_code, last_checked_at,
        last_good_at, last_change_at, etag, last_modified, baselined, scope, watcher_version, revision)
      VALUES (@sourceId, @consecutiveFailures, @degraded, @lastVerdict, @lastDetail, @lastCode, @lastCheckedAt,
        @lastGoodAt, @lastChangeAt, @etag, @lastModified, @baselined, @scope, @watcherVersion, @revision)
      ON CONFLICT (source_id) DO UPDATE SET
        consecutive_failures = excluded.consecutive_failures, degraded = excluded.degraded,
        last_verdict = excluded.last_verdict, last_detail = excluded.last_detail, last_code = excluded.last_code,
        last_checked_at = excluded.last_checked_at, last_good_at = excluded.last_good_at,
        last_change_at = excluded.last_change_at, etag = excluded.etag,
        last_modified = excluded.last_modified, baselined = excluded.baselined,
        scope = excluded.scope, watcher_version = excluded.watcher_version, revision = excluded.revision`),
    pendingObservations: db.prepare('SELECT id, run_id, source_id, doc_key, seq, observation_json FROM observations WHERE item_id IS NULL ORDER BY run_id, id'),
    settleObservation: db.prepare('UPDATE observations SET item_id = ? WHERE id = ?'),
    runObservations: db.prepare('SELECT observation_json FROM observations WHERE run_id = ? ORDER BY id'),
    insertItem: db.prepare(`
      INSERT OR IGNORE INTO items (id, run_id, source_id, doc_key, observed_at, severity_rank, item_json, state)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    newestItemOf: db.prepare('SELECT seq, id, state FROM items WHERE doc_key = ? ORDER BY seq DESC LIMIT 1'),
    sourcesOfItem: db.prepare('SELECT source_id FROM item_sources WHERE item_seq = ?'),
    insertItemSource: db.prepare('INSERT OR IGNORE INTO item_sources (item_seq, source_id) VALUES (?, ?)'),
    itemCount: db.prepare('SELECT count(*) AS n FROM items'),
    knownSources: db.prepare('SELECT source_id FROM source_state UNION SELECT source_id FROM item_sources ORDER BY 1'),
    hostState: db.prepare('SELECT not_before, robots_fetched_at, robots_status, robots_body FROM host_state WHERE host = ?'),
    setNotBefore: db.prepare('INSERT INTO host_state (host, not_before) VALUES (?, ?) ON CONFLICT (host) DO UPDATE SET not_before = excluded.not_before'),
    setRobots: db.prepare(`INSERT INTO host_state (host, robots_fetched_at, robots_status, robots_body) VALUES (?, ?, ?, ?)
      ON CONFLICT (host) DO UPDATE SET robots_fetched_at = excluded.robots_fetched_at, robots_status = excluded.robots_status, robots_body = excluded.robots_body`),
  };

  function insertItem(item: Item, runId: number, state: string | null): { seq: number; id: string; inserted: boolean } {
    const result = statements.insertItem.run(item.id, runId, item.source, item.document?.key ?? null, item.observedAt, filterRank(item.severity), JSON.stringify(item), state);
    if (result.changes === 1) return { seq: Number(result.lastInsertRowid), id: item.id, inserted: true };
    const existing = db.prepare('SELECT seq FROM items WHERE id = ?').get(item.id) as { seq: number };
    return { seq: existing.seq, id: item.id, inserted: false };
  }

  /**
   * One change seen by several sources on different days is one item: a source that reports the
   * move the newest item of the document already published (same event, same resulting stage), or
   * that sees a document other sources already report for the first time, joins that item.
   */
  function sameChangeAlreadyPublished(docKey: string, event: string, state: string, sources: string[]): { seq: number; id: string } | undefined {
    const newest = statements.newestItemOf.get(docKey) as { seq: number; id: string; state: string | null } | undefined;
    if (newest === undefined) return undefined;
    const reported = new Set((statements.sourcesOfItem.all(newest.seq) as Array<{ source_id: string }>).map((r) => r.source_id));
    if (sources.some((s) => reported.has(s))) return undefined;
    return event === 'baseline' || newest.state === state ? { seq: newest.seq, id: newest.id } : undefined;
  }

  type HostRow = { not_before: number | null; robots_fetched_at: number | null; robots_status: number | null; robots_body: string | null };
  const hostRow = (host: string) => statements.hostState.get(host) as HostRow | undefined;

  function rowToState(row: Record<string, unknown> | undefined, sourceId: string): StoredSourceState | undefined {
    if (row === undefined) return undefined;
    return {
      sourceId,
      consecutiveFailures: row.consecutive_failures as number,
      degraded: row.degraded === 1,
      lastVerdict: row.last_verdict as Verdict | null,
      lastDetail: row.last_detail as string | null,
      lastCode: row.last_code as string | null,
      lastCheckedAt: row.last_checked_at as string | null,
      lastGoodAt: row.last_good_at as string | null,
      lastChangeAt: row.last_change_at as string | null,
      etag: row.etag as string | null,
      lastModified: row.last_modified as string | null,
      baselined: row.baselined === 1,
      scope: row.scope as string | null,
      watcherVersion: row.watcher_version as string | null,
      revision: row.revision as number,
    };
  }

  return {
    db,
    /** The database file (db.name is not it for a read-only copy in memory). */
    path,

    /** Per-host politeness kept across runs: a 429/503 "not before" time and the robots.txt cache. */
    hostState: {
      getNotBefore(host: string): number | undefined {
        return hostRow(host)?.not_before ?? undefined;
      },
      setNotBefore(host: string, epochMs: number): void {
        statements.setNotBefore.run(host, epochMs);
      },
      getRobots(host: string): { fetchedAt: number; body: string | null; status: number } | undefined {
        const row = hostRow(host);
        if (row?.robots_fetched_at == null || row.robots_status == null) return undefined;
        return { fetchedAt: row.robots_fetched_at, body: row.robots_body, status: row.robots_status };
      },
      setRobots(host: string, value: { fetchedAt: number; body: string | null; status: number }): void {
        statements.setRobots.run(host, value.fetchedAt, value.status, value.body);
      },
    },

    close(): void {
      if (db.open) db.close();
    },

    beginRun(trigger: string, startedAt: string): number {
      return Number(statements.beginRun.run(trigger, startedAt).lastInsertRowid);
    },

    finishRun(runId: number, finishedAt: string, outcome: string): void {
      statements.finishRun.run(finishedAt, outcome, runId);
    },

    /**
     * Runs that never finished (their process was killed) are closed as `interrupted`, as finished at
     * their last sign of life (their last stored check, else their start). Only under the run lock
     * and before beginRun: a run still going has no finished_at either. Returns their ids.
     */
    closeInterruptedRuns(): number[] {
      return (statements.closeInterruptedRuns.all() as Array<{ id: number }>).map((row) => row.id).sort((a, b) => a - b);
    },

    /** The newest run, whoever started it (the schedule, a terminal, POST /refresh); survives restarts. */
    lastRun(): { id: number; trigger: string; startedAt: string; finishedAt: string | null; outcome: string | null } | null {
      const row = statements.lastRun.get() as { id: number; trigger: string; started_at: string; finished_at: string | null; outcome: string | null } | undefined;
      return row === undefined ? null : { id: row.id, trigger: row.trigger, startedAt: row.started_at, finishedAt: row.finished_at, outcome: row.outcome };
    },

    /**
     * The stored baseline of every document a source reports, re-validated on the way out. One stored
     * before a rule grew stricter (a control character, issue 8) is left out rather than thrown: the
     * document's next clean record is then a first observation, and nothing invalid is diffed or shown.
     */
    baselines(sourceId: string): Map<string, DocumentRecord> {
      const out = new Map<string, DocumentRecord>();
      for (const row of statements.baselines.all(sourceId) as Array<{ doc_key: string; record_json: string }>) {
        const parsed = recordSchema.safeParse(JSON.parse(row.record_json));
        if (parsed.success) out.set(row.doc_key, parsed.data);
      }
      return out;
    },

    /** Read it before the baselines: a check stored between the two reads is then refused, never missed. */
    sourceState(sourceId: string): StoredSourceState | undefined {
      return rowToState(statements.sourceState.get(sourceId) as Record<string, unknown> | undefined, sourceId);
    },

    /** One check, all or nothing; refused whole when the source moved since the check read it. Returns the check id. */
    recordCheck(write: CheckWrite): number {
      return db.transaction(() => {
        const stored = (statements.revision.get(write.sourceId) as { revision: number } | undefined)?.revision ?? 0;
        if (stored !== write.readRevision) throw new BaselineMovedError(write.sourceId, write.readRevision, stored);
        const checkId = Number(
          statements.insertCheck.run({
            runId: write.runId,
            sourceId: write.sourceId,
            checkedAt: write.checkedAt,
            verdict: write.verdict,
            detail: write.detail,
            code: write.code,
            url: write.url,
            httpStatus: write.httpStatus,
            sha256: write.sha256,
            fetchedAt: write.fetchedAt,
          }).lastInsertRowid,
        );
        if (write.verdict === 'changed' || write.verdict === 'unchanged') statements.touchDocuments.run(write.checkedAt, write.sourceId);
        for (const record of write.baselines) {
          statements.upsertDocument.run({ source: write.sourceId, key: record.key, json: JSON.stringify(canonicalRecord(record)), at: write.checkedAt });
        }
        const seqOf = (docKey: string): number => {
          const row = statements.changeCount.get(write.sourceId, docKey) as { change_count: number } | undefined;
          return row?.change_count ?? 0;
        };
        for (const observation of write.observations(seqOf, checkId)) {
          statements.insertObservation.run(write.runId, checkId, write.sourceId, observation.docKey, observation.seq, JSON.stringify(observation));
        }
        statements.upsertState.run({
          sourceId: write.sourceId,
          ...write.state,
          degraded: write.state.degraded ? 1 : 0,
          baselined: write.state.baselined ? 1 : 0,
          revision: stored + 1,
        });
        options.onTransaction?.('check');
        return checkId;
      }).immediate();
    },

    /**
     * Turns pending observations into items, one per document per run, in one transaction. Pending
     * observations left by a refresh killed before this step are composed by the next one. `compose`
     * also gets every observation of the group's run (one array per run). Items of the run that tell
     * part of a group's news are filed under the group's sources too; a group with nothing else to
     * tell makes no item and its observations settle on those items.
     */
    composeItems(compose: (group: Observation[], run: readonly Observation[]) => Composed): { created: number; refused: string[] } {
      return db.transaction(() => {
        const rows = statements.pendingObservations.all() as Array<{ id: number; run_id: number; doc_key: string | null; observation_json: string }>;
        const groups = new Map<string, Array<{ rowId: number; runId: number; observation: Observation }>>();
        for (const row of rows) {
          const key = row.doc_key === null ? `${row.run_id}\u0000health\u0000${row.id}` : `${row.run_id}\u0000${row.doc_key}`;
          const group = groups.get(key) ?? [];
          group.push({ rowId: row.id, runId: row.run_id, observation: JSON.parse(row.observation_json) as Observation });
          groups.set(key, group);
        }
        const runs = new Map<number, Observation[]>();
        const runOf = (runId: number): Observation[] => {
          let run = runs.get(runId);
          if (run === undefined) {
            run = (statements.runObservations.all(runId) as Array<{ observation_json: string }>).map((r) => JSON.parse(r.observation_json) as Observation);
            runs.set(runId, run);
          }
          return run;
        };
        const itemOfDocument = new Map<string, { seq: number; id: string }>();
        const toldElsewhere: Array<{ group: Array<{ rowId: number; runId: number; observation: Observation }>; toldBy: string[]; hasItem: boolean }> = [];
        let created = 0;
        const refused: string[] = [];
        // Documents in key order within a run (health items by their row), so item order never
        // depends on which host answered first.
        const ordered = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);
        for (const group of ordered) {
          // An item that fails validation (a bug) stays pending, named, and never blocks the others.
          const { item: candidate, toldBy } = compose(group.map((g) => g.observation), runOf(group[0]!.runId));
          if (toldBy.length > 0) toldElsewhere.push({ group, toldBy, hasItem: candidate !== null });
          if (candidate === null) continue;
          const parsed = itemSchema.safeParse(candidate);
          if (!parsed.success) {
            const first = parsed.error.issues[0]!;
            refused.push(`${group[0]!.observation.docKey ?? group[0]!.observation.sourceId}: ${first.path.join('.')}: ${first.message}`);
            continue;
          }
          const item = parsed.data;
          const sources = [...new Set(group.map((g) => g.observation.sourceId))];
          const lead = group.find((g) => g.observation.sourceId === item.source)!.observation;
          const state = item.document === null ? null : `${item.event}|${lead.stage ?? ''}`;
          const joined = item.document === null ? undefined : sameChangeAlreadyPublished(item.document.key, item.event, state!, sources);
          let target = joined;
          if (target === undefined) {
            const inserted = insertItem(item, group[0]!.runId, state);
            if (inserted.inserted) created += 1;
            target = inserted;
          }
          for (const source of sources) statements.insertItemSource.run(target.seq, source);
          for (const g of group) statements.settleObservation.run(target.id, g.rowId);
          if (item.document !== null) itemOfDocument.set(`${group[0]!.runId}\u0000${item.document.key}`, target);
        }
        for (const { group, toldBy, hasItem } of toldElsewhere) {
          const targets = toldBy.flatMap((key) => itemOfDocument.get(`${group[0]!.runId}\u0000${key}`) ?? []);
          for (const target of targets) for (const g of group) statements.insertItemSource.run(target.seq, g.observation.sourceId);
          if (!hasItem) for (const g of group) statements.settleObservation.run(targets[0]?.id ?? FOLDED, g.rowId);
        }
        options.onTransaction?.('compose');
        return { created, refused };
      })();
    },

    /** Items newest first, filtered; `nextCursor` pages further back. */
    items(query: ItemQuery = {}): { items: Item[]; nextCursor: number | null } {
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.source !== undefined) {
        // An item reported by several sources belongs to each of them.
        where.push('seq IN (SELECT item_seq FROM item_sources WHERE source_id = ?)');
        params.push(query.source);
      }
      if (query.minSeverity !== undefined) {
        where.push('severity_rank <= ?');
        params.push(filterRank(query.minSeverity));
      }
      if (query.since !== undefined) {
        where.push('observed_at >= ?');
        params.push(query.since);
      }
      if (query.before !== undefined) {
        where.push('seq < ?');
        params.push(query.before);
      }
      const limit = query.limit ?? 1_000_000;
      const sql = `SELECT seq, item_json FROM items ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
      const rows = db.prepare(sql).all(...params, limit + 1) as Array<{ seq: number; item_json: string }>;
      const page = rows.slice(0, limit);
      return {
        items: page.map((row) => JSON.parse(row.item_json) as Item),
        nextCursor: rows.length > limit && page.length > 0 ? page[page.length - 1]!.seq : null,
      };
    },

    /** Every source id the database has a check or an item of. */
    knownSources(): string[] {
      return (statements.knownSources.all() as Array<{ source_id: string }>).map((row) => row.source_id);
    },

    itemCount(): number {
      return (statements.itemCount.get() as { n: number }).n;
    },
  };
}
