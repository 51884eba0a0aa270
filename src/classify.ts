import type { DocumentRecord, Relation } from './record.js';
import type { EventType, FieldChange, Severity } from './item.js';
import { filterRank } from './item.js';
import { describeStage, stageOrdinal, stagePhase } from './stages.js';
import { describeRelation, relationIdentity } from './diff.js';
import type { Family } from './family.js';

// spec/severity.md as one rules table. Pure: records and facts about the watch in, a classified
// change out. Every rule that matches yields an event; the strongest leads the item and the others
// are named in it (composing rule 1). The reference moving with the stage is part of the stage
// event, never an event of its own (rule 2).

export interface ClassifyContext {
  /** A requirements standard (42001, 42006): some events rank higher. */
  requirements: boolean;
  /** Keys of every document watched in this run: "critical if it replaces a watched edition". */
  watchedKeys: ReadonlySet<string>;
  /** The document is a revision, amendment or corrigendum of a watched document (src/family.ts). */
  family: Family | null;
}

export interface Classification {
  event: EventType;
  severity: Severity;
  alsoEvents: EventType[];
  summary: string;
  effectiveDate: string | null;
  effectiveDateKind: 'stage-date' | 'publication-date' | null;
  /**
   * Every finding, kept only when one reports a related document's move: if that document's own
   * observation reports the move in the same run, composing folds it there (src/related-moves.ts).
   */
  findings?: DatedFinding[];
}

interface Transition {
  before: DocumentRecord;
  after: DocumentRecord;
  changes: FieldChange[];
  context: ClassifyContext;
  stageMoved: boolean;
}

interface Finding {
  event: EventType;
  severity: Severity;
  /** What happened, after the reference: "FDIS ballot initiated [50.20], was FDIS registered … [50.00]". */
  words: string;
  /** The key of the related document whose move this reports (its amendment published, its successor out). */
  about?: string;
}

export type DatedFinding = Finding & Pick<Classification, 'effectiveDate' | 'effectiveDateKind'>;

type Rule = (t: Transition) => Finding | Finding[] | null;

const AMENDMENT = /\/(?:[A-Z]+ )?(?:D?Amd|AMD|DAM|PDAM|FDAM)\b/;
const CORRIGENDUM = /\/(?:[A-Z]+ )?(?:Cor|COR)\b/;

function stageWords(t: Transition): string {
  return `${describeStage(t.after.stage)}, was ${describeStage(t.before.stage)}`;
}

function movedTo(t: Transition, ...codes: string[]): boolean {
  return t.stageMoved && codes.includes(t.after.stage);
}

function isSupplement(record: DocumentRecord): 'amendment' | 'corrigendum' | null {
  if (CORRIGENDUM.test(record.reference)) return 'corrigendum';
  if (AMENDMENT.test(record.reference)) return 'amendment';
  return null;
}

function relationsOf(record: DocumentRecord, kind: Relation['kind']): Relation[] {
  return (record.relations ?? []).filter((r) => r.kind === kind);
}

/** Published per its status; a page that shows no status still dates a published reference (`…/Amd 2:2020`). */
function isPublishedRelation(r: Relation): boolean {
  if (r.status !== undefined) return r.status === 'published';
  return /:\d{4}$/.test(r.reference);
}

function about(relation: Relation): Pick<Finding, 'about'> {
  return relation.key === undefined ? {} : { about: relation.key };
}

/** Relations of `kind` on `after` that are new or changed since `before`, with their earlier form. */
function movedRelations(t: Transition, kind: Relation['kind']): Array<{ before?: Relation; after: Relation }> {
  const old = new Map(relationsOf(t.before, kind).map((r) => [relationIdentity(r), r]));
  return relationsOf(t.after, kind)
    .map((after) => ({ before: old.get(relationIdentity(after)), after }))
    .filter(({ before, after }) => before === undefined || describeRelation(before) !== describeRelation(after))
    .map(({ before, after }) => (before === undefined ? { after } : { before, after }));
}

const RULES: Rule[] = [
  // critical: the reference you certify against changed or ended
  (t) => {
    if (!movedTo(t, '95.99')) return null;
    const successors = relationsOf(t.after, 'replaced-by');
    if (successors.length > 0) {
      return { event: 'new-edition', severity: 'critical', words: `${stageWords(t)}; replaced by ${successors.map((r) => r.reference).join(', ')}` };
    }
    return { event: 'withdrawn', severity: 'critical', words: stageWords(t) };
  },
  (t) => {
    const published = movedRelations(t, 'replaced-by').filter(({ before, after }) => isPublishedRelation(after) && (before === undefined || !isPublishedRelation(before)));
    if (published.length === 0) return null;
    return published.map(({ after }) => ({ event: 'new-edition', severity: 'critical', words: `new edition ${after.reference} published`, ...about(after) }));
  },
  (t) => {
    if (!movedTo(t, '60.60')) return null;
    const supplement = isSupplement(t.after);
    if (supplement === 'amendment') {
      return { event: 'amendment-published', severity: t.context.requirements ? 'critical' : 'major', words: stageWords(t) };
    }
    if (supplement === 'corrigendum') return { event: 'corrigendum-published', severity: 'minor', words: stageWords(t) };
    const replacesWatched = relationsOf(t.after, 'replaces').some((r) => r.key !== undefined && t.context.watchedKeys.has(r.key));
    return { event: 'published', severity: replacesWatched ? 'critical' : 'major', words: stageWords(t) };
  },
  (t) => {
    const findings: Finding[] = [];
    for (const { before, after } of movedRelations(t, 'amendment')) {
      if (isPublishedRelation(after) && (before === undefined || !isPublishedRelation(before))) {
        findings.push({
          event: 'amendment-published',
          severity: t.context.requirements ? 'critical' : 'major',
          words: `amendment ${after.reference} published`,
          ...about(after),
        });
      } else if (before === undefined) {
        findings.push({
          event: 'amendment-registered',
          severity: t.context.requirements ? 'major' : 'minor',
          words: `amendment project ${describeRelation(after)} registered`,
          ...about(after),
        });
      } else if (after.status === 'deleted') {
        // the pending amendment of the watched document was abandoned
        findings.push({ event: 'deleted', severity: 'major', words: `amendment project ${after.reference} deleted`, ...about(after) });
      } else {
        findings.push({ event: 'draft-progress', severity: 'minor', words: `amendment ${after.reference} progressed, was ${before.reference}`, ...about(after) });
      }
    }
    for (const { before, after } of movedRelations(t, 'corrigendum')) {
      if (isPublishedRelation(after) && (before === undefined || !isPublishedRelation(before))) {
        findings.push({ event: 'corrigendum-published', severity: 'minor', words: `corrigendum ${after.reference} published`, ...about(after) });
      }
    }
    return findings;
  },
  // major: a change is coming with a date attached
  (t) => {
    const findings: Finding[] = [];
    if (movedTo(t, '90.92')) findings.push({ event: 'revision-registered', severity: 'major', words: stageWords(t) });
    for (const { before, after } of movedRelations(t, 'replaced-by')) {
      if (isPublishedRelation(after)) continue;
      if (after.status === 'deleted') {
        findings.push({ event: 'deleted', severity: 'major', words: `revision project ${after.reference} deleted`, ...about(after) });
      } else if (before === undefined) {
        findings.push({ event: 'revision-registered', severity: 'major', words: `revision ${describeRelation(after)} registered`, ...about(after) });
      } else {
        findings.push({ event: 'draft-progress', severity: 'minor', words: `revision ${after.reference} progressed, was ${before.reference}`, ...about(after) });
      }
    }
    return findings;
  },
  (t) => (movedTo(t, '40.20') && !isBackwards(t) ? { event: 'dis-ballot', severity: 'major', words: stageWords(t) } : null),
  (t) => (movedTo(t, '50.00', '50.20', '50.60', '50.99') && !isBackwards(t) ? { event: 'fdis', severity: 'major', words: stageWords(t) } : null),
  (t) => (movedTo(t, '60.00') && !isBackwards(t) ? { event: 'under-publication', severity: 'major', words: stageWords(t) } : null),
  (t) => (movedTo(t, '90.99', '95.20', '95.60') ? { event: 'withdrawal-proposed', severity: 'major', words: stageWords(t) } : null),
  (t) => (isBackwards(t) ? { event: 'ballot-repeated', severity: 'major', words: stageWords(t) } : null),
  // minor: life-cycle facts that change nothing yet
  (t) => {
    if (!t.stageMoved || isBackwards(t) || !t.after.stage.endsWith('.98')) return null;
    // major only when it was the pending revision or amendment of a watched document
    const pending = t.context.family !== null && t.context.family.role !== 'corrigendum';
    return { event: 'deleted', severity: pending ? 'major' : 'minor', words: stageWords(t) };
  },
  (t) => {
    if (!t.stageMoved || isBackwards(t) || t.after.stage.endsWith('.98')) return null;
    const phase = stagePhase(t.after.stage);
    const draftMove = phase <= 30 || ['40.00', '40.60', '40.92', '40.93', '40.99', '50.92'].includes(t.after.stage);
    return draftMove ? { event: 'draft-progress', severity: 'minor', words: stageWords(t) } : null;
  },
  (t) => (movedTo(t, '90.93', '95.92') ? { event: 'confirmed', severity: 'minor', words: stageWords(t) } : null),
  (t) => changed(t, 'committee') ? { event: 'committee-changed', severity: 'minor', words: `committee ${t.after.committee ?? 'none'}, was ${t.before.committee ?? 'none'}` } : null,
  (t) => {
    if (!changed(t, 'title') && !(changed(t, 'reference') && !t.stageMoved)) return null;
    const words = changed(t, 'title') ? 'title changed' : `reference changed, was ${t.before.reference}`;
    return { event: 'title-changed', severity: t.after.status === 'published' ? 'minor' : 'info', words };
  },
  // info: housekeeping
  (t) => (movedTo(t, '90.20') ? { event: 'review-started', severity: t.context.requirements ? 'minor' : 'info', words: stageWords(t) } : null),
  (t) => (movedTo(t, '90.60') ? { event: 'review-closed', severity: 'info', words: stageWords(t) } : null),
  (t) =>
    changed(t, 'publicationDate')
      ? { event: 'publication-date', severity: 'info', words: `publication date ${t.after.publicationDate ?? 'none'}, was ${t.before.publicationDate ?? 'none'}` }
      : null,
  (t) => (changed(t, 'pages') ? { event: 'pages-changed', severity: 'info', words: `pages ${t.after.pages ?? 'none'}, was ${t.before.pages ?? 'none'}` } : null),
  (t) => (changed(t, 'ics') ? { event: 'ics-changed', severity: 'info', words: 'ICS changed' } : null),
  (t) => (changed(t, 'languages') ? { event: 'languages-changed', severity: 'info', words: 'languages changed' } : null),
];

function changed(t: Transition, field: string): boolean {
  return t.changes.some((c) => c.field === field);
}

/**
 * A stage that moves back to an earlier point of the approval phases (60.00 → 50.00, a DIS
 * re-balloted as ".2"). Inside phase 90 the review cycle 90.93 → 90.20 is forward, not back.
 */
function isBackwards(t: Transition): boolean {
  if (!t.stageMoved || t.after.stage.endsWith('.98')) return false; // 30.99 → 30.98 is a deletion
  const from = stageOrdinal(t.before.stage);
  const to = stageOrdinal(t.after.stage);
  if (to >= from) return false;
  return stagePhase(t.before.stage) < 90 || stagePhase(t.after.stage) < 90;
}

export function classifyChange(before: DocumentRecord, after: DocumentRecord, changes: FieldChange[], context: ClassifyContext): Classification {
  const t: Transition = { before, after, changes, context, stageMoved: before.stage !== after.stage };
  const findings = RULES.flatMap((rule) => {
    const result = rule(t);
    return result === null ? [] : Array.isArray(result) ? result : [result];
  });
  if (findings.length === 0) {
    findings.push({ event: 'record-corrected', severity: 'info', words: `${changes.map((c) => c.field).join(', ')} corrected` });
  }
  const dated = findings.map((f): DatedFinding => ({ ...f, ...effectiveDate(t, f.event) }));
  const classification = summarise(after.reference, dated);
  return dated.some((f) => f.about !== undefined) ? { ...classification, findings: dated } : classification;
}

/** The strongest finding leads; the others are named in the same summary (composing rule 1). */
export function summarise(reference: string, findings: readonly DatedFinding[]): Classification {
  // Stable: among equal severities the rules table order (spec order) decides.
  const ordered = findings.map((f, i) => ({ f, i })).sort((a, b) => filterRank(a.f.severity) - filterRank(b.f.severity) || a.i - b.i).map((x) => x.f);
  const lead = ordered[0];
  if (lead === undefined) throw new Error('classify: nothing to summarise');
  const others = [...new Set(ordered.slice(1).map((f) => f.event).filter((e) => e !== lead.event))];
  const otherWords = ordered.slice(1).filter((f) => f.event !== lead.event || f.words !== lead.words).map((f) => f.words);
  let summary = `${reference}: ${lead.words}`;
  if (otherWords.length > 0) summary += `; also ${otherWords.join('; ')}`;
  return { event: lead.event, severity: lead.severity, alsoEvents: others, summary: clip(summary), effectiveDate: lead.effectiveDate, effectiveDateKind: lead.effectiveDateKind };
}

export function classifyFirstObservation(record: DocumentRecord, kind: 'baseline' | 'new-project', context: ClassifyContext): Classification {
  const words = `${describeStage(record.stage)}`;
  if (kind === 'baseline') {
    return { event: 'baseline', severity: 'baseline', alsoEvents: [], summary: clip(`${record.reference}: first observed, ${words}`), ...dateOf(record) };
  }
  // A new row of a watched document's family says more than "new project" (spec/severity.md).
  if (context.family?.role === 'amendment') {
    return { event: 'amendment-registered', severity: context.requirements ? 'major' : 'minor', alsoEvents: [], summary: clip(`${record.reference}: amendment project registered, ${words}`), ...dateOf(record) };
  }
  if (context.family?.role === 'revision') {
    return { event: 'revision-registered', severity: 'major', alsoEvents: [], summary: clip(`${record.reference}: revision project registered, ${words}`), ...dateOf(record) };
  }
  return {
    event: 'new-project',
    severity: context.family !== null ? 'minor' : 'info',
    alsoEvents: [],
    summary: clip(`${record.reference}: new project in ${record.committee ?? 'the committee'}, ${words}`),
    ...dateOf(record),
  };
}

function effectiveDate(t: Transition, event: EventType): Pick<Classification, 'effectiveDate' | 'effectiveDateKind'> {
  if (event === 'publication-date' && t.after.publicationDate !== undefined) {
    return { effectiveDate: t.after.publicationDate, effectiveDateKind: 'publication-date' };
  }
  return dateOf(t.after);
}

function dateOf(record: DocumentRecord): Pick<Classification, 'effectiveDate' | 'effectiveDateKind'> {
  if (record.stageDate !== undefined) return { effectiveDate: record.stageDate, effectiveDateKind: 'stage-date' };
  if (record.stage === '60.60' && record.publicationDate !== undefined) return { effectiveDate: record.publicationDate, effectiveDateKind: 'publication-date' };
  return { effectiveDate: null, effectiveDateKind: null };
}

function clip(text: string): string {
  return text.length <= 400 ? text : `${text.slice(0, 399)}…`;
}
