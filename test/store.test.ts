import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, type Store } from '../src/store/store.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { openDatabase } from '../src/store/open-database.js';
import { durably } from '../src/store/durable-write.js';
import { StoredRowError } from '../src/store/stored-json.js';
import { itemComposer, pendingGroups } from '../src/pipeline/compose.js';
import type { PendingObservation } from '../src/model/composition.js';
import { joinsNewestItem, type JoinRule } from '../src/pipeline/join-rule.js';
import { itemSchema, type Item } from '../src/model/item.js';
import type { Observation } from '../src/model/observation.js';
import type { DocumentRecord } from '../src/model/record.js';
import { selectRows, withDatabaseFile, writeRow } from './helpers/database-file.js';
import { insertItems } from './serve-seed.js';
import { BASELINE_42001, FDIS_42005 } from './publish-items.js';
import { checkState } from './helpers/check-state.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regwatch-store-'));
  dirs.push(dir);
  return join(dir, 'regwatch.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('store', () => {
  it('commits without waiting for the disk (NORMAL) except inside durably(), which waits (FULL) and gives NORMAL back, also when its write throws', () => {
    const db = openDatabase(tempDb(), false);
    try {
      const level = () => db.pragma('synchronous', { simple: true });
      expect(level()).toBe(1);
      expect(durably(db, level)).toBe(2);
      expect(level()).toBe(1);
      expect(() =>
        durably(db, () => {
          throw new Error('the write failed');
        }),
      ).toThrow('the write failed');
      expect(level()).toBe(1);
    } finally {
      db.close();
    }
  });

  it('applies the migrations once, in WAL mode, and reopens without reapplying them', () => {
    const path = tempDb();
    openStore(path).close();
    const store = openStore(path);
    withDatabaseFile(path, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    });
    store.close();
  });

  it('refuses a database written by a newer regwatch, naming both versions', () => {
    const path = tempDb();
    openStore(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openStore(path)).toThrow(
      `store: ${path}: database schema version ${MIGRATIONS.length + 1} is newer than this regwatch (${MIGRATIONS.length}); upgrade regwatch`,
    );
    expect(() => openStore(path, { readonly: true })).toThrow(expect.objectContaining({ code: 'REGWATCH_SCHEMA_NEWER' }));
  });

  it('opened read-only, upgrades a database an older regwatch wrote (as refresh would), then reads it', () => {
    const path = tempDb();
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    for (const [version, sql] of MIGRATIONS.slice(0, -1).entries()) {
      raw.exec(sql);
      raw.pragma(`user_version = ${version + 1}`);
    }
    raw.prepare("INSERT INTO source_state (source_id, consecutive_failures) VALUES ('a', 2)").run();
    raw.close();
    const store = openStore(path, { readonly: true });
    expect(store.sourceState('a')).toMatchObject({ consecutiveFailures: 2, revision: 0 });
    expect(() => store.beginRun('test', '2026-01-01T06:00:00.000Z')).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }));
    expect(withDatabaseFile(path, (db) => db.pragma('user_version', { simple: true }))).toBe(MIGRATIONS.length);
    store.close();
  });

  it('keeps a host\'s 429/503 "not before" time and its robots.txt across runs', () => {
    const path = tempDb();
    const first = openStore(path);
    first.hostState.setNotBefore('www.iso.org', 1_767_225_600_000);
    first.hostState.setRobots('https://www.iso.org', { fetchedAt: 1_767_200_000_000, status: 200, body: 'User-agent: *\nDisallow: /private\n' });
    first.close();
    const later = openStore(path);
    expect(later.hostState.getNotBefore('www.iso.org')).toBe(1_767_225_600_000);
    expect(later.hostState.getRobots('https://www.iso.org')).toEqual({
      fetchedAt: 1_767_200_000_000,
      status: 200,
      body: 'User-agent: *\nDisallow: /private\n',
    });
    // the two kinds of state of one host do not overwrite each other
    later.hostState.setRobots('www.iso.org', { fetchedAt: 1, status: 404, body: null });
    expect(later.hostState.getNotBefore('www.iso.org')).toBe(1_767_225_600_000);
    expect(later.hostState.getNotBefore('example.org')).toBeUndefined();
    later.close();
  });
});

const ISO_PAGE_OBSERVATION: Observation = {
  sourceId: 'iso_page',
  docKey: 'iso:44545',
  seq: 0,
  documentUrl: 'https://www.iso.org/standard/44545.html',
  reference: 'ISO/IEC FDIS 42005',
  stage: '50.20',
  phase: 'approval',
  observedAt: '2025-03-10T06:00:12.000Z',
  classification: {
    event: 'fdis',
    severity: 'major',
    alsoEvents: [],
    summary: 'ISO/IEC FDIS 42005: FDIS ballot initiated [50.20], was FDIS registered [50.00]',
    effectiveDate: '2025-03-06',
    effectiveDateKind: 'stage-date',
  },
  changes: [{ field: 'stage', before: '50.00', after: '50.20' }],
  provenance: FDIS_42005.provenance,
  licence: FDIS_42005.licence,
};

/** One run in which each observation's source had one check that saw it (as check.ts writes them). */
function observe(store: Store, at: string, observations: Array<Omit<Observation, 'phase'> & { phase?: Observation['phase'] }>): void {
  const runId = store.beginRun('test', at);
  for (const observation of observations) {
    store.recordCheck({
      runId,
      sourceId: observation.sourceId,
      checkedAt: at,
      verdict: 'changed',
      detail: null,
      code: null,
      url: observation.documentUrl,
      httpStatus: 200,
      sha256: null,
      fetchedAt: at,
      readRevision: store.sourceState(observation.sourceId)?.revision ?? 0,
      baselines: [],
      observations: () => [observation],
      state: checkState({ lastCheckedAt: at, lastGoodAt: at, lastChangeAt: at }),
    });
  }
  store.finishRun(runId, at, 'ok');
}

const compose = itemComposer(new Map());

describe('composing items with the join rule it is given', () => {
  it("hands the rule the newest item's stored state and sources, and makes a new item when it says no", () => {
    const store = openStore(tempDb());
    const rule = vi.fn<JoinRule>(() => false);
    observe(store, '2025-03-10T06:00:00.000Z', [{ ...ISO_PAGE_OBSERVATION, seq: 1 }]);
    expect(store.composeItems(compose, rule)).toMatchObject({ created: 1, refused: [] });
    expect(rule).not.toHaveBeenCalled(); // nothing to join yet
    observe(store, '2025-03-11T06:00:00.000Z', [{ ...ISO_PAGE_OBSERVATION, sourceId: 'iso_catalogue', seq: 1 }]);
    expect(store.composeItems(compose, rule)).toMatchObject({ created: 1, refused: [] });
    expect(rule.mock.calls).toEqual([
      [
        { state: 'fdis|50.20|approval', sources: ['iso_page'] },
        { state: 'fdis|50.20|approval', sources: ['iso_catalogue'] },
      ],
    ]);
    expect(store.itemCount()).toBe(2);
    store.close();
  });

  it('files the group under the newest item and settles its observations there when the rule says join', () => {
    const store = openStore(tempDb());
    observe(store, '2025-03-10T06:00:00.000Z', [{ ...ISO_PAGE_OBSERVATION, seq: 1 }]);
    store.composeItems(compose, () => true);
    const [published] = store.items().items;
    observe(store, '2025-03-11T06:00:00.000Z', [{ ...ISO_PAGE_OBSERVATION, sourceId: 'iso_catalogue', seq: 1 }]);
    expect(store.composeItems(compose, () => true)).toMatchObject({ created: 0, refused: [] });
    expect(store.items({ source: 'iso_catalogue' }).items.map((i) => i.id)).toEqual([published!.id]);
    expect(selectRows(store.path, 'SELECT source_id, item_id FROM observations ORDER BY id')).toEqual([
      { source_id: 'iso_page', item_id: published!.id },
      { source_id: 'iso_catalogue', item_id: published!.id },
    ]);
    store.close();
  });

  it('joins an item whose state an older regwatch stored as event|stage', () => {
    const store = openStore(tempDb());
    const [seq] = insertItems(store, [FDIS_42005]);
    writeRow(store.path, "UPDATE items SET state = 'fdis|50.20' WHERE seq = ?", seq);
    observe(store, '2025-03-11T06:00:00.000Z', [{ ...ISO_PAGE_OBSERVATION, sourceId: 'iso_catalogue', seq: 1 }]);
    expect(store.composeItems(compose, joinsNewestItem)).toMatchObject({ created: 0, refused: [] });
    expect(store.items({ source: 'iso_catalogue' }).items.map((i) => i.id)).toEqual([FDIS_42005.id]);
    store.close();
  });

  it('composes an observation stored before observations had a phase, deriving the state from its stage', () => {
    const store = openStore(tempDb());
    const { phase: _none, ...beforePhases } = ISO_PAGE_OBSERVATION;
    observe(store, '2025-03-10T06:00:00.000Z', [{ ...beforePhases, seq: 1 }]);
    expect(store.composeItems(compose, joinsNewestItem)).toMatchObject({ created: 1, refused: [] });
    expect(selectRows(store.path, 'SELECT state FROM items')).toEqual([{ state: 'fdis|50.20|approval' }]);
    store.close();
  });
});

describe('JSON read back from the database', () => {
  it('an observation edited by hand stops composing with an error naming the table and row, and nothing is composed', () => {
    const path = tempDb();
    const store = openStore(path);
    observe(store, '2025-03-10T06:00:00.000Z', [
      { ...ISO_PAGE_OBSERVATION, seq: 1 },
      { ...ISO_PAGE_OBSERVATION, sourceId: 'iso_catalogue', seq: 1 },
    ]);
    writeRow(path, "UPDATE observations SET observation_json = json_set(observation_json, '$.classification.event', 'ballot') WHERE id = 2");
    const composing = () => store.composeItems(compose, joinsNewestItem);
    expect(composing).toThrow(StoredRowError);
    expect(composing).toThrow(
      expect.objectContaining({
        code: 'REGWATCH_DATABASE_DAMAGED',
        table: 'observations',
        row: 'id 2',
        message: expect.stringMatching(
          new RegExp(
            `^store: ${path}: observations id 2: observation_json\\.classification\\.event: .+; the database was damaged or edited by hand: restore it from a backup$`,
          ),
        ),
      }),
    );
    writeRow(path, 'UPDATE observations SET observation_json = \'{"sourceId":\' WHERE id = 2');
    expect(composing).toThrow(/observations id 2: observation_json is not JSON/);
    expect(store.itemCount()).toBe(0);
    expect(selectRows(path, 'SELECT count(*) AS n FROM observations WHERE item_id IS NULL')).toEqual([{ n: 2 }]);
    store.close();
  });

  it('an item edited by hand is an error naming its row when read, never left out', () => {
    const store = openStore(tempDb());
    const [, seq] = insertItems(store, [BASELINE_42001, FDIS_42005]);
    writeRow(store.path, "UPDATE items SET item_json = json_set(item_json, '$.severity', 'urgent') WHERE seq = ?", seq);
    expect(() => store.items()).toThrow(
      expect.objectContaining({ code: 'REGWATCH_DATABASE_DAMAGED', message: expect.stringContaining(`items seq ${seq}: item_json.severity: `) }),
    );
    expect(() => store.items({ minSeverity: 'major' })).toThrow(StoredRowError);
    expect(store.items({ minSeverity: 'baseline', before: seq! }).items.map((i) => i.id)).toEqual([BASELINE_42001.id]);
    store.close();
  });

  it('an item composed before records refused control characters (issue 8) is still read, as stored', () => {
    const store = openStore(tempDb());
    const before: Item = { ...FDIS_42005, document: { ...FDIS_42005.document!, reference: 'ISO/IEC FDIS 42005\u001b[2J' } };
    expect(itemSchema.safeParse(before).success).toBe(false);
    insertItems(store, [before]);
    expect(store.items().items).toEqual([before]);
    store.close();
  });

  it('a baseline that is not JSON is an error naming its row; one a stricter rule refuses is left out (record-controls.test.ts)', () => {
    const store = openStore(tempDb());
    const record: DocumentRecord = { key: 'iso:81230', reference: 'ISO/IEC 42001:2023', status: 'published', phase: 'published', stage: '60.60' };
    const runId = store.beginRun('test', '2025-03-10T06:00:00.000Z');
    store.recordCheck({
      runId,
      sourceId: 'iso_42001',
      checkedAt: '2025-03-10T06:00:00.000Z',
      verdict: 'changed',
      detail: null,
      code: null,
      url: 'https://www.iso.org/standard/81230.html',
      httpStatus: 200,
      sha256: null,
      fetchedAt: null,
      readRevision: 0,
      baselines: [record],
      observations: () => [],
      state: checkState(),
    });
    expect([...store.baselines('iso_42001').values()]).toEqual([record]);
    writeRow(store.path, "UPDATE documents SET record_json = 'not json' WHERE doc_key = 'iso:81230'");
    expect(() => store.baselines('iso_42001')).toThrow(
      expect.objectContaining({
        code: 'REGWATCH_DATABASE_DAMAGED',
        message: expect.stringContaining('documents source_id iso_42001 doc_key iso:81230: record_json is not JSON'),
      }),
    );
    store.close();
  });
});

describe('composing observations that several runs left pending', () => {
  it('makes their items run by run, by number (run 10 after run 9), so the newest item is the newest move and a later source joins it', () => {
    const store = openStore(tempDb());
    const fdisRegistered: Observation = {
      ...ISO_PAGE_OBSERVATION,
      seq: 1,
      stage: '50.00',
      classification: { ...ISO_PAGE_OBSERVATION.classification, summary: 'ISO/IEC FDIS 42005: FDIS registered for formal approval [50.00]' },
    };
    // Nine runs that saw nothing, then run 9 (50.00) and run 10 (50.20), both left pending (a serve
    // refresh aborted, a kill between checks and compose): the next refresh composes them together.
    for (let day = 1; day <= 8; day += 1) store.beginRun('test', `2025-03-0${day}T06:00:00.000Z`);
    observe(store, '2025-03-09T06:00:00.000Z', [fdisRegistered]);
    observe(store, '2025-03-10T06:00:00.000Z', [{ ...ISO_PAGE_OBSERVATION, seq: 2 }]);
    expect(store.composeItems(compose, joinsNewestItem)).toMatchObject({ created: 2 });
    expect(store.items().items[0]!.summary).toMatch(/\[50\.20\]/);

    observe(store, '2025-03-11T06:00:00.000Z', [{ ...ISO_PAGE_OBSERVATION, sourceId: 'iso_catalogue', seq: 1 }]);
    expect(store.composeItems(compose, joinsNewestItem)).toMatchObject({ created: 0 });
    store.close();
  });

  it('orders groups by run number, then by key within a run (a health observation keyed by its row)', () => {
    const pending = (rowId: number, runId: number, docKey: string | null): PendingObservation => ({
      rowId,
      runId,
      observation: { ...ISO_PAGE_OBSERVATION, docKey },
    });
    const groups = pendingGroups([
      pending(1, 10, 'iso:2'),
      pending(2, 9, 'iso:3'),
      pending(3, 10, null),
      pending(4, 10, 'iso:1'),
      pending(5, 9, 'iso:3'),
      pending(6, 10, null),
    ]);
    expect(groups.map((g) => g.map((p) => p.rowId))).toEqual([[2, 5], [3], [6], [4], [1]]);
  });
});
