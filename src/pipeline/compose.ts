import type { EventType, Item, Severity } from '../model/item.js';
import { filterRank } from '../model/item.js';
import type { Observation } from '../model/observation.js';
import { movedOnTheirOwn, withoutRelatedMoves } from './related-moves.js';
import { encodeItemState, itemStateOf } from './join-rule.js';
import type { Composed, Composer, PendingObservation } from '../model/composition.js';

// Items are composed from observations: one per document per run, the strongest observation
// leading and the other sources that saw the same document named in `alsoSeenBy`; a related
// document's move that the related document's own item tells is not told again (related-moves.ts).

export const TAG_AUTHORITY = 'tag:regwatch,2026:';
const MAX_ALSO_SEEN_BY = 10;

export function itemId(observation: Observation): string {
  return observation.docKey === null
    ? `${TAG_AUTHORITY}${observation.sourceId}/health/${observation.seq}`
    : `${TAG_AUTHORITY}${observation.sourceId}/${observation.docKey}/${observation.seq}`;
}

/**
 * A real change leads a baseline; then the stronger severity; then the source listed first in the
 * config — never which host answered first, so the item id does not depend on network timing.
 */
function leadOrder(sourceOrder: ReadonlyMap<string, number>) {
  const rank = (o: Observation) => sourceOrder.get(o.sourceId) ?? Number.MAX_SAFE_INTEGER;
  const baseline = (o: Observation) => (o.classification.severity === 'baseline' ? 1 : 0);
  return (a: Observation, b: Observation): number =>
    baseline(a) - baseline(b) ||
    filterRank(a.classification.severity) - filterRank(b.classification.severity) ||
    rank(a) - rank(b) ||
    a.sourceId.localeCompare(b.sourceId);
}

export type { Composed } from '../model/composition.js';

/**
 * Composes one document's item from its observations of one run. `movedInRun`: the documents that
 * moved on their own in the same run, whose moves this document's item does not tell again.
 */
export function composeItem(group: Observation[], sourceOrder: ReadonlyMap<string, number> = new Map(), movedInRun: ReadonlySet<string> = new Set()): Composed {
  if (group.length === 0) throw new Error('compose: empty observation group');
  const folding = group.map((o) => withoutRelatedMoves(o, movedInRun));
  const toldBy = [...new Set(folding.flatMap((f) => f.into))].sort();
  const [lead] = folding.flatMap((f) => f.told ?? []).sort(leadOrder(sourceOrder));
  if (lead === undefined) return { item: null, toldBy, state: null };
  // A source whose findings were all told elsewhere still saw the document: named, never leading.
  const others = group
    .map((o, i) => folding[i]!.told ?? o)
    .filter((o) => o !== lead)
    .sort(leadOrder(sourceOrder));
  const alsoEvents = new Set<EventType>(lead.classification.alsoEvents);
  for (const event of [...others.map((o) => o.classification.event), ...folding.flatMap((f) => f.folded.map((x) => x.event))]) {
    if (event !== lead.classification.event && event !== 'baseline') alsoEvents.add(event);
  }
  const item: Item = {
    id: itemId(lead),
    source: lead.sourceId,
    document: lead.docKey === null ? null : { key: lead.docKey, reference: lead.reference, url: lead.documentUrl },
    observedAt: lead.observedAt,
    effectiveDate: lead.classification.effectiveDate,
    effectiveDateKind: lead.classification.effectiveDateKind,
    severity: lead.classification.severity as Severity,
    event: lead.classification.event,
    alsoEvents: [...alsoEvents],
    summary: lead.classification.summary,
    changes: lead.changes,
    provenance: lead.provenance,
    // Bounded like every field; the store still files the item under every source that saw it.
    alsoSeenBy: others.slice(0, MAX_ALSO_SEEN_BY).map((o) => ({ source: o.sourceId, provenance: o.provenance })),
    licence: lead.licence,
  };
  const state = lead.docKey === null ? null : encodeItemState(itemStateOf(item.event, lead));
  return { item, toldBy, state };
}

/**
 * The compose step of a refresh: `run` is every observation of the group's run, the same array for
 * each group of that run, so what moved in it is worked out once per run.
 */
export function itemComposer(sourceOrder: ReadonlyMap<string, number>): Composer {
  const movedByRun = new WeakMap<readonly Observation[], Set<string>>();
  return {
    groups: pendingGroups,
    compose(group, run) {
      let moved = movedByRun.get(run);
      if (moved === undefined) {
        moved = movedOnTheirOwn(run);
        movedByRun.set(run, moved);
      }
      return composeItem(group, sourceOrder, moved);
    },
  };
}

/**
 * One group per document per run (a health observation alone), runs oldest first — by number: run
 * 10 after run 9, or an older run's move would read as the newest — and within a run in key order
 * (health items by their row), so item order never depends on which host answered first.
 */
export function pendingGroups(pending: readonly PendingObservation[]): PendingObservation[][] {
  const groups = new Map<string, { runId: number; key: string; rows: PendingObservation[] }>();
  for (const row of pending) {
    const key = row.observation.docKey ?? `health\u0000${row.rowId}`;
    const group = groups.get(`${row.runId}\u0000${key}`) ?? { runId: row.runId, key, rows: [] };
    group.rows.push(row);
    groups.set(`${row.runId}\u0000${key}`, group);
  }
  return [...groups.values()].sort((a, b) => a.runId - b.runId || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((group) => group.rows);
}
