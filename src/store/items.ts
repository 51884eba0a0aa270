import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { filterRank, itemSchema, storedItemSchema, type Item, type Severity } from '../model/item.js';
import { observationSchema, type Observation } from '../model/observation.js';
import type { Composer, JoiningItem, JoinRule, PendingObservation } from '../model/composition.js';
import type { StoredJsonReader } from './stored-json.js';
import type { DeliveriesTable, PlannedDelivery } from './deliveries.js';
import { durably } from './durable-write.js';

// Items and the sources that reported them: composed from pending observations in one transaction,
// read newest first for the feeds, changes.json and the CLI. Which items a group joins is the
// pipeline's rule (join-rule.ts); this looks up and writes.

export interface ItemQuery {
  source?: string;
  minSeverity?: Severity;
  /** Items observed at or after this instant. */
  since?: string;
  /** Items older than this cursor (an item's seq, as returned in `nextCursor`). */
  before?: number;
  limit?: number;
}

/** `observations.item_id` of an observation whose news other documents' items tell, none composed now (refused). */
const FOLDED = 'folded';

/** What the items a compose creates are owed (src/notify/outbox-plan.ts): queued in the same transaction. */
export interface Outbox {
  /** `created`: the items this compose inserted, oldest first. */
  plan(created: readonly Item[]): PlannedDelivery[];
  /** When they were queued (ISO 8601): due at once. */
  at: string;
}

export function itemsTables(db: Database.Database, storedJson: StoredJsonReader, deliveries: DeliveriesTable, onTransaction?: (name: 'compose') => void) {
  const statements = {
    pendingObservations: db.prepare('SELECT id, run_id, source_id, doc_key, seq, observation_json FROM observations WHERE item_id IS NULL ORDER BY run_id, id'),
    settleObservation: db.prepare('UPDATE observations SET item_id = ? WHERE id = ?'),
    runObservations: db.prepare('SELECT id, observation_json FROM observations WHERE run_id = ? ORDER BY id'),
    insertItem: db.prepare(`
      INSERT OR IGNORE INTO items (id, run_id, source_id, doc_key, observed_at, severity_rank, item_json, state)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    itemSeq: db.prepare('SELECT seq FROM items WHERE id = ?'),
    itemsById: db.prepare('SELECT seq, item_json FROM items WHERE id IN (SELECT value FROM json_each(?))'),
    newestItemOf: db.prepare('SELECT seq, id, state FROM items WHERE doc_key = ? ORDER BY seq DESC LIMIT 1'),
    sourcesOfItem: db.prepare('SELECT source_id FROM item_sources WHERE item_seq = ?'),
    insertItemSource: db.prepare('INSERT OR IGNORE INTO item_sources (item_seq, source_id) VALUES (?, ?)'),
    itemCount: db.prepare('SELECT count(*) AS n FROM items'),
    newestItemRows: db.prepare('SELECT seq, item_json FROM items ORDER BY seq DESC LIMIT ?'),
    newestObservedAt: db.prepare('SELECT max(observed_at) AS at FROM items'),
    knownSources: db.prepare('SELECT source_id FROM source_state UNION SELECT source_id FROM item_sources ORDER BY 1'),
  };

  // Item rows are never rewritten once inserted (INSERT OR IGNORE): one found valid stays valid for
  // the life of this process, so a page is checked the first time it is read, not on every request
  // (bench/item-validation.ts: checking a page of items costs about as much as reading it).
  const validItems = new Set<number>();
  const storedItem = (row: { seq: number; item_json: string }): Item => {
    if (validItems.has(row.seq)) return JSON.parse(row.item_json) as Item;
    const item = storedJson.validate(storedItemSchema, { table: 'items', row: `seq ${row.seq}`, column: 'item_json' }, row.item_json);
    validItems.add(row.seq);
    return item;
  };

  const observation = (row: { id: number; observation_json: string }): Observation =>
    storedJson.validate(observationSchema, { table: 'observations', row: `id ${row.id}`, column: 'observation_json' }, row.observation_json);

  function insertItem(item: Item, runId: number, state: string | null): { seq: number; id: string; inserted: boolean } {
    const result = statements.insertItem.run(
      item.id,
      runId,
      item.source,
      item.document?.key ?? null,
      item.observedAt,
      filterRank(item.severity),
      JSON.stringify(item),
      state,
    );
    if (result.changes === 1) return { seq: Number(result.lastInsertRowid), id: item.id, inserted: true };
    const existing = statements.itemSeq.get(item.id) as { seq: number };
    return { seq: existing.seq, id: item.id, inserted: false };
  }

  /** The document's newest item, when the group joins it. */
  function joinedItem(docKey: string, candidate: JoiningItem, joins: JoinRule): { seq: number; id: string } | undefined {
    const newest = statements.newestItemOf.get(docKey) as { seq: number; id: string; state: string | null } | undefined;
    if (newest === undefined) return undefined;
    const sources = (statements.sourcesOfItem.all(newest.seq) as Array<{ source_id: string }>).map((r) => r.source_id);
    return joins({ state: newest.state, sources }, candidate) ? { seq: newest.seq, id: newest.id } : undefined;
  }

  return {
    /**
     * Turns pending observations into items, one per document per run, in one transaction. Pending
     * observations left by a refresh killed before this step are composed by the next one. `compose`
     * also gets every observation of the group's run (one array per run). A group joins its
     * document's newest item when `joins` says so (the same change seen by another source later).
     * Items of the run that tell part of a group's news are filed under the group's sources too; a
     * group with nothing else to tell makes no item and its observations settle on those items.
     * Every item created here is queued for the notification channels that want it (`outbox`), in
     * this transaction: an item is created once, so it is queued once, whichever refresh composes it.
     */
    composeItems(composer: Composer, joins: JoinRule, outbox?: Outbox): { created: number; createdItems: Item[]; refused: string[] } {
      // Checked against itemSchema before they were written, which is stricter than storedItemSchema:
      // once committed, the publish that follows need not check them again.
      const inserted: number[] = [];
      const compose = db.transaction(() => {
        const rows = statements.pendingObservations.all() as Array<{ id: number; run_id: number; doc_key: string | null; observation_json: string }>;
        const pending = rows.map((row): PendingObservation => ({ rowId: row.id, runId: row.run_id, observation: observation(row) }));
        const runs = new Map<number, Observation[]>();
        const runOf = (runId: number): Observation[] => {
          let run = runs.get(runId);
          if (run === undefined) {
            run = (statements.runObservations.all(runId) as Array<{ id: number; observation_json: string }>).map(observation);
            runs.set(runId, run);
          }
          return run;
        };
        const itemOfDocument = new Map<string, { seq: number; id: string }>();
        const toldElsewhere: Array<{ group: PendingObservation[]; toldBy: string[]; hasItem: boolean }> = [];
        const createdItems: Item[] = [];
        const refused: string[] = [];
        for (const group of composer.groups(pending)) {
          // An item that fails validation (a bug) stays pending, named, and never blocks the others.
          const {
            item: candidate,
            toldBy,
            state,
          } = composer.compose(
            group.map((g) => g.observation),
            runOf(group[0]!.runId),
          );
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
          let target = item.document === null || state === null ? undefined : joinedItem(item.document.key, { state, sources }, joins);
          if (target === undefined) {
            const written = insertItem(item, group[0]!.runId, state);
            if (written.inserted) {
              createdItems.push(item);
              inserted.push(written.seq);
            }
            target = written;
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
        if (outbox !== undefined && createdItems.length > 0) deliveries.enqueue(outbox.plan(createdItems), outbox.at);
        onTransaction?.('compose');
        return { created: createdItems.length, createdItems, refused };
      });
      const composed = durably(db, compose);
      for (const seq of inserted) validItems.add(seq);
      return composed;
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
        items: page.map(storedItem),
        nextCursor: rows.length > limit && page.length > 0 ? page[page.length - 1]!.seq : null,
      };
    },

    /** The items with these ids, in the order asked for; ids not stored are left out. */
    itemsById(ids: readonly string[]): Item[] {
      const rows = statements.itemsById.all(JSON.stringify(ids)) as Array<{ seq: number; item_json: string }>;
      const byId = new Map(
        rows.map((row) => {
          const item = storedItem(row);
          return [item.id, item] as const;
        }),
      );
      return ids.flatMap((id) => byId.get(id) ?? []);
    },

    /** Every source id the database has a check or an item of. */
    knownSources(): string[] {
      return (statements.knownSources.all() as Array<{ source_id: string }>).map((row) => row.source_id);
    },

    itemCount(): number {
      return (statements.itemCount.get() as { n: number }).n;
    },

    /**
     * A digest of the newest `limit` items as stored (what items({ limit }) would return), without
     * parsing or checking them: a publish renders from exactly these, so an equal digest means equal feeds.
     */
    newestItemsDigest(limit: number): string {
      const hash = createHash('sha256');
      for (const row of statements.newestItemRows.iterate(limit) as IterableIterator<{ seq: number; item_json: string }>) {
        hash.update(`${row.seq}\n${row.item_json}\n`);
      }
      return hash.digest('hex');
    },

    /**
     * When the most recently observed item was observed (an index lookup). Not always the newest
     * item's: a run's items are in document-key order, whichever host answered first.
     */
    newestObservedAt(): string | undefined {
      return (statements.newestObservedAt.get() as { at: string | null }).at ?? undefined;
    },
  };
}
