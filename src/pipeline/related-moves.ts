import type { Observation } from '../model/observation.js';
import { summarise, type DatedFinding } from '../rules/classify.js';

// spec/severity.md composing rule 1 across documents: one change, one item. A document's record names
// its related documents (ISO/IEC 42001 lists its Amd 1; an edition names its successor), so a related
// document's move shows up twice when that document is observed too: on its own record (Amd 1 reaches
// 60.60: amendment-published) and on the record that names it (42001: "amendment … published"). The
// related document's own item tells it; the other record's finding is folded away, and that item is
// filed under the sources that saw it there too (src/store/items.ts composeItems).
//
// This is decided when a run's items are composed, not in classify.ts: classify sees one document of
// one source, while only the run knows which other documents moved, whichever source saw them.

/**
 * Documents that moved on their own in this run: an observation that is not a first observation
 * and reports something of the document itself, not only its relations (so two records that only
 * name each other can never fold each other away).
 */
export function movedOnTheirOwn(run: readonly Observation[]): Set<string> {
  const moved = new Set<string>();
  for (const o of run) {
    if (o.docKey === null || o.classification.event === 'baseline') continue;
    const findings = o.classification.findings;
    if (findings === undefined || findings.some((f) => f.about === undefined)) moved.add(o.docKey);
  }
  return moved;
}

/**
 * The observation without the findings that another document's own observation reports in the same
 * run (null when nothing of the document's own is left), the folded findings and the documents
 * whose items tell them.
 */
export function withoutRelatedMoves(
  observation: Observation,
  moved: ReadonlySet<string>,
): { told: Observation | null; folded: DatedFinding[]; into: string[] } {
  const findings = observation.classification.findings;
  const toldElsewhere = (f: DatedFinding) => f.about !== undefined && f.about !== observation.docKey && moved.has(f.about);
  const folded = (findings ?? []).filter(toldElsewhere);
  if (findings === undefined || folded.length === 0) return { told: observation, folded: [], into: [] };
  const kept = findings.filter((f) => !toldElsewhere(f));
  const into = [...new Set(folded.map((f) => f.about!))];
  if (kept.length === 0) return { told: null, folded, into };
  return { told: { ...observation, classification: { ...summarise(observation.reference, kept), findings: kept } }, folded, into };
}
