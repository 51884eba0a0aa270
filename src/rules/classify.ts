import type * as z from 'zod';
import type { DocumentRecord } from '../model/record.js';
import type { classificationSchema } from '../model/observation.js';
import type { Finding, Rule, RuleContext, Transition } from '../model/rule.js';
import type { EventType, FieldChange } from '../model/item.js';
import { filterRank } from '../model/item.js';
import { describeStage } from './harmonized-stages.js';

// spec/severity.md as tables of rules. Pure: records and facts about the watch in, a classified
// change out. Each kind of source brings its publisher's ordered rule list (watchers/<kind>);
// every rule that matches yields a finding; the strongest leads the item and the others are named
// in it (composing rule 1); among equal severities the list order decides. The reference moving with
// the stage is part of the stage event, never an event of its own (rule 2).

/** Its shape is model/observation.ts's, which checks observations read back from the store. */
export type Classification = z.infer<typeof classificationSchema>;

export type DatedFinding = Finding & Pick<Classification, 'effectiveDate' | 'effectiveDateKind'>;

/** Null when no rule found news and the kind keeps such changes quiet (watchers/kind.ts unclassifiedChanges). */
export function classifyChange(
  before: DocumentRecord,
  after: DocumentRecord,
  changes: FieldChange[],
  context: RuleContext,
  rules: readonly Rule[],
  unclassified: 'record-corrected' | 'quiet',
): Classification | null;
export function classifyChange(
  before: DocumentRecord,
  after: DocumentRecord,
  changes: FieldChange[],
  context: RuleContext,
  rules: readonly Rule[],
): Classification;
export function classifyChange(
  before: DocumentRecord,
  after: DocumentRecord,
  changes: FieldChange[],
  context: RuleContext,
  rules: readonly Rule[],
  unclassified: 'record-corrected' | 'quiet' = 'record-corrected',
): Classification | null {
  const t: Transition = { before, after, changes, context };
  const findings: Finding[] = rules.flatMap((rule) => {
    const result = rule(t);
    return result === null ? [] : Array.isArray(result) ? result : [result];
  });
  if (findings.length === 0) {
    if (unclassified === 'quiet') return null;
    findings.push({ event: 'record-corrected', severity: 'info', words: `${changes.map((c) => c.field).join(', ')} corrected` });
  }
  const dated = findings.map(({ publishedOn, ...f }): DatedFinding => ({
    ...f,
    ...(publishedOn !== undefined ? { effectiveDate: publishedOn, effectiveDateKind: 'publication-date' as const } : effectiveDate(after, f.event)),
  }));
  const classification = summarise(after.reference, dated);
  return dated.some((f) => f.about !== undefined) ? { ...classification, findings: dated } : classification;
}

/** The strongest finding leads; the others are named in the same summary (composing rule 1). */
export function summarise(reference: string, findings: readonly DatedFinding[]): Classification {
  // Stable: among equal severities the rule list's order (spec order) decides.
  const ordered = findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => filterRank(a.f.severity) - filterRank(b.f.severity) || a.i - b.i)
    .map((x) => x.f);
  const lead = ordered[0];
  if (lead === undefined) throw new Error('classify: nothing to summarise');
  const others = [
    ...new Set(
      ordered
        .slice(1)
        .map((f) => f.event)
        .filter((e) => e !== lead.event),
    ),
  ];
  const otherWords = ordered
    .slice(1)
    .filter((f) => f.event !== lead.event || f.words !== lead.words)
    .map((f) => f.words);
  let summary = `${reference}: ${lead.words}`;
  if (otherWords.length > 0) summary += `; also ${otherWords.join('; ')}`;
  return {
    event: lead.event,
    severity: lead.severity,
    alsoEvents: others,
    summary: clip(summary),
    effectiveDate: lead.effectiveDate,
    effectiveDateKind: lead.effectiveDateKind,
  };
}

export function classifyFirstObservation(
  record: DocumentRecord,
  kind: 'baseline' | 'new-project',
  context: RuleContext,
  describe: (record: DocumentRecord) => string = describeState,
): Classification {
  const words = describe(record);
  if (kind === 'baseline') {
    return { event: 'baseline', severity: 'baseline', alsoEvents: [], summary: clip(`${record.reference}: first observed, ${words}`), ...dateOf(record) };
  }
  // A new row of a watched document's family says more than "new project" (spec/severity.md).
  if (context.family?.role === 'amendment') {
    return {
      event: 'amendment-registered',
      severity: context.requirements ? 'major' : 'minor',
      alsoEvents: [],
      summary: clip(`${record.reference}: amendment project registered, ${words}`),
      ...dateOf(record),
    };
  }
  if (context.family?.role === 'revision') {
    return {
      event: 'revision-registered',
      severity: 'major',
      alsoEvents: [],
      summary: clip(`${record.reference}: revision project registered, ${words}`),
      ...dateOf(record),
    };
  }
  return {
    event: 'new-project',
    severity: context.family !== null ? 'minor' : 'info',
    alsoEvents: [],
    // A NIST series has no committee: a publication newly in it is "newly listed".
    summary: clip(`${record.reference}: ${record.committee === undefined ? 'newly listed' : `new project in ${record.committee}`}, ${words}`),
    ...dateOf(record),
  };
}

/** Where a document stands, in its publisher's words: `published [60.60]`, `Under Approval`, `final`. */
export function describeState(record: DocumentRecord): string {
  if (record.stage !== undefined) return describeStage(record.stage);
  return record.stageLabel ?? record.phase;
}

function effectiveDate(record: DocumentRecord, event: EventType): Pick<Classification, 'effectiveDate' | 'effectiveDateKind'> {
  if (event === 'publication-date' && record.publicationDate !== undefined) {
    return { effectiveDate: record.publicationDate, effectiveDateKind: 'publication-date' };
  }
  if (record.stageDate !== undefined) return dateOf(record);
  // Sources with no stage date (IEC, CEN, NIST, the ISO Open Data catalogue) date some events
  // themselves (spec, composing rule 6: the effective date the source gives): a withdrawal or
  // supersession by its withdrawal date, a NIST draft by its release date (never a forecast, unlike
  // an ISO publication date before 60.60).
  const withdrawal = record.dates?.withdrawal;
  if ((event === 'withdrawn' || event === 'new-edition') && withdrawal !== undefined) return { effectiveDate: withdrawal, effectiveDateKind: 'stage-date' };
  if (event === 'draft-released' && record.publicationDate !== undefined)
    return { effectiveDate: record.publicationDate, effectiveDateKind: 'publication-date' };
  // The document's own publication date dates its publication, never a later move (a stability
  // date bumped, a title changed, a supersession announced): those the page does not date.
  return DATED_BY_PUBLICATION.has(event) ? dateOf(record) : { effectiveDate: null, effectiveDateKind: null };
}

/**
 * Where a source gives no stage date: the moves a published document's own publication date dates
 * (a first observation is dated by classifyFirstObservation, a publication-date change above).
 */
const DATED_BY_PUBLICATION: ReadonlySet<EventType> = new Set(['published', 'final-published', 'update-published']);

function dateOf(record: DocumentRecord): Pick<Classification, 'effectiveDate' | 'effectiveDateKind'> {
  if (record.stageDate !== undefined) return { effectiveDate: record.stageDate, effectiveDateKind: 'stage-date' };
  if (record.phase === 'published' && record.publicationDate !== undefined)
    return { effectiveDate: record.publicationDate, effectiveDateKind: 'publication-date' };
  return { effectiveDate: null, effectiveDateKind: null };
}

export function clip(text: string): string {
  return text.length <= 400 ? text : `${text.slice(0, 399)}…`;
}
