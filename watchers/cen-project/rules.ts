import { undatedReference } from '../../src/rules/family.js';
import { PHASES, type DocumentRecord, type Phase, type Relation } from '../../src/model/record.js';
import type { Rule, Transition } from '../../src/model/rule.js';
import type { EventType } from '../../src/model/item.js';

// The CEN rows of spec/severity.md "Other publishers", read off the before and after records (never
// off `t.changes`). Words are CEN's own: its status words as the page prints them (`stageLabel`),
// its row labels ("Superseded by", "Citation in OJEU", "Mandate(s)", "date of Withdrawal (DOW)").
// Title, ICS and committee (incl. a "(Disbanded) " committee title) are common rows, not here.
// Status moves with no CEN row of their own (→ Preliminary, → Under Draft, → Approved) are read as the
// ISO rows of the same phase (stageMoved).

const NONE = 'none';

function statusWords(record: DocumentRecord): string {
  return record.stageLabel ?? record.status;
}

function movedTo(t: Transition): string {
  return `${statusWords(t.after)}, was ${statusWords(t.before)}`;
}

function entering(phase: Phase, event: EventType): Rule {
  return (t) => (t.after.phase === phase && t.before.phase !== phase ? { event, severity: 'major', words: movedTo(t) } : null);
}

/** A prEN enters CEN Enquiry: the public comment window opens. */
export const enquiry: Rule = entering('enquiry', 'enquiry');

/** A FprEN enters Formal Vote ("Under Approval"). */
export const formalVote: Rule = entering('approval', 'formal-vote');

/**
 * A status move before publication with no CEN row, as the ISO rows of the same phase: a preliminary
 * work item taken into drafting is draft progress (minor, as the successor's own move seen from the
 * standard it will replace: successorProgressed); Approved (ratified, DOR set, the text not yet
 * available: ISO 60.00) is under publication (major).
 */
export const stageMoved: Rule = (t) => {
  if (t.before.status !== 'under-development' || t.after.status !== 'under-development') return null;
  // Forward only: a project sent back (Under Enquiry → Under Draft) is no progress; it stays a record change.
  // PHASES is the common life cycle in order; CEN's statuses before publication map onto its first five.
  if (PHASES.indexOf(t.after.phase) <= PHASES.indexOf(t.before.phase)) return null;
  if (t.after.phase === 'publishing') return { event: 'under-publication', severity: 'major', words: movedTo(t) };
  if (t.after.phase === 'drafting') return { event: 'draft-progress', severity: 'minor', words: movedTo(t) };
  return null;
};

/**
 * Status becomes Published (the date of availability). Critical when what is published adopts a
 * watched requirements standard (the page names it by reference only, so it is matched on the
 * reference without its year), or the CEN document is itself configured as a requirements standard.
 */
export const published: Rule = (t) => {
  if (t.after.status !== 'published' || t.before.status === 'published') return null;
  const words = [movedTo(t)];
  const dav = t.after.dates?.availability;
  if (dav !== undefined) words.push(`date of Availability (DAV) ${dav}`);
  // An adoption's items name the standard it adopts, whether or not that one is watched.
  const adopts = relations(t.after, 'adopts');
  if (adopts.length > 0) words.push(`adopts ${adopts.map((relation) => relation.reference).join(', ')}`);
  const adoptsRequirements = adopts.some(
    (relation) =>
      (relation.key !== undefined && t.context.requirementsKeys.has(relation.key)) ||
      t.context.requirementsReferences.has(undatedReference(relation.reference)),
  );
  return { event: 'published', severity: adoptsRequirements || t.context.requirements ? 'critical' : 'major', words: words.join('; ') };
};

/**
 * The "Citation in OJEU" cell: a citation added, restricted (its text changes) or withdrawn starts or
 * ends the presumption of conformity. The cell also carries statements that are not citations
 * ("No citation expected for Directive 305/2011, …", cen-8709-*): when neither side cites anything,
 * the change belongs to the directives it follows (mandate-changed), not here.
 */
export const ojCitation: Rule = (t) => {
  const before = t.before.legal?.ojeuCitation;
  const after = t.after.legal?.ojeuCitation;
  if (before === after || (!cites(before) && !cites(after))) return null;
  const words = after === undefined ? `Citation in OJEU removed, was ${before}` : `Citation in OJEU: ${after}, was ${before ?? NONE}`;
  return { event: 'oj-citation', severity: 'critical', words };
};

function cites(cell: string | undefined): boolean {
  if (cell === undefined) return false;
  return /[A-Za-z0-9]/.test(cell.replace(/\bno citation expected\b[^,;]*/gi, ''));
}

/** "Superseded by" gains a document (a successor project keeps its key while its reference moves on: not a gain). */
export const newEdition: Rule = (t) => {
  const before = relations(t.before, 'replaced-by');
  const gained = relations(t.after, 'replaced-by').filter((relation) => !before.some((old) => sameDocument(old, relation)));
  if (gained.length === 0) return null;
  return { event: 'new-edition', severity: 'critical', words: `Superseded by ${gained.map((relation) => relation.reference).join(', ')}` };
};

/**
 * A successor project already named moves on under its project number ("prEN 10160 rev" becomes
 * "prEN 10160", cen-19677 2025-12-15): the successor progressed, a minor fact, never a new edition.
 */
export const successorProgressed: Rule = (t) => {
  const before = relations(t.before, 'replaced-by');
  const moved = relations(t.after, 'replaced-by').flatMap((relation) => {
    const old = before.find((o) => sameDocument(o, relation));
    return old !== undefined && old.reference !== relation.reference ? [`${relation.reference}, was ${old.reference}`] : [];
  });
  return moved.length === 0 ? null : { event: 'draft-progress', severity: 'minor', words: `successor ${moved.join('; ')}` };
};

/** Status becomes Withdrawn. */
export const withdrawn: Rule = (t) => {
  if (t.after.status !== 'withdrawn' || t.before.status === 'withdrawn') return null;
  const successors = relations(t.after, 'replaced-by');
  const words = successors.length > 0 ? `${movedTo(t)}; Superseded by ${successors.map((r) => r.reference).join(', ')}` : movedTo(t);
  return { event: 'withdrawn', severity: 'critical', words };
};

/** The "Mandate(s)" or "Directive(s)" cell changes (order alone is no change). */
export const mandateChanged: Rule = (t) => {
  const parts: string[] = [];
  for (const [field, label] of [
    ['mandates', 'Mandate(s)'],
    ['directives', 'Directive(s)'],
  ] as const) {
    const before = t.before.legal?.[field] ?? [];
    const after = t.after.legal?.[field] ?? [];
    if (sameSet(before, after)) continue;
    parts.push(`${label}: ${after.join(', ') || NONE}, was ${before.join(', ') || NONE}`);
  }
  return parts.length === 0 ? null : { event: 'mandate-changed', severity: 'minor', words: parts.join('; ') };
};

const IMPLEMENTATION_DATES = [
  ['ratification', 'date of Ratification (DOR)'],
  ['announcement', 'date of Announcement (DOA)'],
  ['nationalPublication', 'date of Publication (DOP)'],
  ['nationalWithdrawal', 'date of Withdrawal (DOW)'],
] as const;

/**
 * DOR, DOA, DOP or DOW set, moved or cleared: info; minor when the DOW of a watched EN moves (the
 * date by which conflicting national standards must go). The page's footnote (5) gives DOW to an EN
 * "(and HD for CENELEC)": an HD counts as an EN here. DAV is the publication date, a common row.
 */
export const datesChanged: Rule = (t) => {
  const parts: string[] = [];
  let dowMoved = false;
  for (const [name, label] of IMPLEMENTATION_DATES) {
    const before = t.before.dates?.[name];
    const after = t.after.dates?.[name];
    if (before === after) continue;
    parts.push(after === undefined ? `${label} cleared, was ${before}` : `${label} ${after}, was ${before ?? NONE}`);
    if (name === 'nationalWithdrawal') dowMoved = true;
  }
  if (parts.length === 0) return null;
  const watchedEn = t.context.watchedKeys.has(t.after.key) && isEuropeanStandard(t.after.reference);
  return { event: 'dates-changed', severity: dowMoved && watchedEn ? 'minor' : 'info', words: parts.join('; ') };
};

/** EN 13306:2017, EN ISO 9001:2015, prEN 10160, FprEN 50600-1, HD 60364-1: not CEN/TS, CWA, CR, CEN/TR. */
export function isEuropeanStandard(reference: string): boolean {
  return /^(?:(?:Fpr|pr)?EN|HD)\s/.test(reference);
}

export const CEN_PROJECT_RULES: readonly Rule[] = [
  enquiry,
  formalVote,
  stageMoved,
  published,
  ojCitation,
  newEdition,
  withdrawn,
  successorProgressed,
  mandateChanged,
  datesChanged,
];

function relations(record: DocumentRecord, kind: Relation['kind']): Relation[] {
  return (record.relations ?? []).filter((relation) => relation.kind === kind);
}

function sameDocument(a: Relation, b: Relation): boolean {
  return a.key !== undefined && b.key !== undefined ? a.key === b.key : a.reference === b.reference;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((entry) => right.has(entry));
}
