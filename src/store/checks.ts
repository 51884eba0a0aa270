import type Database from 'better-sqlite3';
import { canonicalRecord, recordSchema, type DocumentRecord } from '../model/record.js';
import type { Verdict } from '../model/source-report.js';
import type { Observation } from '../model/observation.js';
import { BaselineMovedError } from './baseline-moved-error.js';
import type { StoredJsonReader } from './stored-json.js';

// What one check of a source stores, all in one transaction: the check, the documents whose
// baseline is new or changed, what it saw change (observations, composed into items later) and the
// source's state. A refresh killed at any moment leaves either all of a check or none of it.

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

/** What the latest clean check of a source read: the body's sha256 (null after a 304) at which URL, and its detail. */
export interface LastCleanCheck {
  sha256: string | null;
  url: string;
  detail: string | null;
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

export function checksTables(db: Database.Database, storedJson: StoredJsonReader, onTransaction?: (name: 'check') => void) {
  const statements = {
    baselines: db.prepare('SELECT doc_key, record_json FROM documents WHERE source_id = ? ORDER BY doc_key'),
    documentKeys: db.prepare('SELECT doc_key FROM documents WHERE source_id = ?'),
    lastCleanCheck: db.prepare("SELECT sha256, url, detail FROM checks WHERE source_id = ? AND verdict IN ('changed', 'unchanged') ORDER BY id DESC LIMIT 1"),
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
  };

  // A refresh reads each source's baselines three times (what the run watches, the check, sources.json):
  // a stored row is checked once per process for the JSON it holds, the last verdict kept per document.
  const checkedBaselines = new Map<string, { json: string; record: DocumentRecord | null }>();

  return {
    /**
     * The stored baseline of every document a source reports, re-validated on the way out. One stored
     * before a rule grew stricter (a control character, issue 8) is left out rather than thrown: the
     * document's next clean record is then a first observation, and nothing invalid is diffed or shown.
     */
    baselines(sourceId: string): Map<string, DocumentRecord> {
      const out = new Map<string, DocumentRecord>();
      for (const row of statements.baselines.all(sourceId) as Array<{ doc_key: string; record_json: string }>) {
        const cell = `${sourceId}\u0000${row.doc_key}`;
        let checked = checkedBaselines.get(cell);
        if (checked?.json !== row.record_json) {
          const record = storedJson.parse({ table: 'documents', row: `source_id ${sourceId} doc_key ${row.doc_key}`, column: 'record_json' }, row.record_json);
          const parsed = recordSchema.safeParse(record);
          checked = { json: row.record_json, record: parsed.success ? parsed.data : null };
          checkedBaselines.set(cell, checked);
        }
        if (checked.record !== null) out.set(row.doc_key, checked.record);
      }
      return out;
    },

    /** The keys of the documents stored for the source, whether baselines() still accepts them or not. */
    documentKeys(sourceId: string): Set<string> {
      return new Set((statements.documentKeys.all(sourceId) as Array<{ doc_key: string }>).map((row) => row.doc_key));
    },

    lastCleanCheck(sourceId: string): LastCleanCheck | undefined {
      return statements.lastCleanCheck.get(sourceId) as LastCleanCheck | undefined;
    },

    /** Read it before the baselines: a check stored between the two reads is then refused, never missed. */
    sourceState(sourceId: string): StoredSourceState | undefined {
      return rowToState(statements.sourceState.get(sourceId) as Record<string, unknown> | undefined, sourceId);
    },

    /** One check, all or nothing; refused whole when the source moved since the check read it. Returns the check id. */
    recordCheck(write: CheckWrite): number {
      return db
        .transaction(() => {
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
          onTransaction?.('check');
          return checkId;
        })
        .immediate();
    },
  };
}

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
