import type { DocumentRecord, Relation } from '../../src/model/record.js';
import type { Finding, Rule, Transition } from '../../src/model/rule.js';
import { relationIdentities } from '../../src/rules/diff.js';
import { editionWords, undated, yearOf } from './reference.js';
import { describeIecStage, iecStage, stepOrdinal } from './stages.js';

// The IEC rows of spec/severity.md ("Other publishers"), read off the before and after records of
// one publication: the page's (status, edition, stability date, "replaced by" notes) or the history's
// (current edition, amendments and new editions with their IEC stage codes). Title, committee, pages,
// ICS and publication date are the shared rows, not repeated here. Words are IEC's own: its stage
// meanings (stages.ts), "Withdrawn", "Edition 2.0", "Stability date".

type Kind = Relation['kind'];

const newEdition: Rule = (t) => {
  const { before, after } = t;
  const editionUp = before.edition !== undefined && after.edition !== undefined && after.edition > before.edition;
  const [yearBefore, yearAfter] = [yearOf(before.reference), yearOf(after.reference)];
  const laterYear = undated(before.reference) === undated(after.reference) && yearBefore !== undefined && yearAfter !== undefined && yearAfter > yearBefore;
  // A history that knew its current edition only undated (`IEC 61326-1`: no published row or amendment
  // names it) sees the new edition it listed in preparation become the current edition.
  const [listed, stillListed] = [relations(before, 'replaced-by'), relations(after, 'replaced-by')];
  const sameRelation = relationIdentities(listed, stillListed);
  const stillListedIds = new Set(stillListed.map(sameRelation));
  const successorArrived =
    yearBefore === undefined &&
    yearAfter !== undefined &&
    listed.some((r) => !isPublished(r) && undated(r.reference) === undated(after.reference) && !stillListedIds.has(sameRelation(r)));
  if (!editionUp && !laterYear && !successorArrived) return null;
  const was = before.edition === undefined ? before.reference : `${before.reference} (${editionWords(before.edition)})`;
  const now = after.edition === undefined ? after.reference : `${editionWords(after.edition)}, ${after.reference}`;
  return { event: 'new-edition', severity: 'critical', words: `${now} published, was ${was}` };
};

const withdrawn: Rule = (t) => {
  if (t.before.status === 'withdrawn' || t.after.status !== 'withdrawn') return null;
  const date = t.after.dates?.withdrawal === undefined ? '' : ` ${t.after.dates.withdrawal}`;
  const successors = relations(t.after, 'replaced-by').filter(isPublished);
  if (successors.length > 0) {
    return { event: 'new-edition', severity: 'critical', words: `Withdrawn${date}, ${replacementWords(successors)}` };
  }
  return { event: 'withdrawn', severity: 'critical', words: `Withdrawn${date}` };
};

/** A "replaced by" note on a page still in force, or a new edition the history shows published. */
const replacementPublished: Rule = (t) => {
  if (t.after.status === 'withdrawn' && t.before.status !== 'withdrawn') return null; // told by `withdrawn`
  // A successor of a part that now replaces the whole is news too.
  const published = moved(t, 'replaced-by').filter(
    ({ before, after }) => isPublished(after) && (before === undefined || !isPublished(before) || (before.partial === true && after.partial !== true)),
  );
  if (published.length === 0) return null;
  return { event: 'new-edition', severity: 'critical', words: replacementWords(published.map(({ after }) => after)) };
};

const supplements: Rule = (t) => {
  const findings: Finding[] = [];
  for (const { before, after } of moved(t, 'amendment')) {
    if (isPublished(after) && (before === undefined || !isPublished(before))) {
      const was = before?.stageLabel === undefined ? '' : `, was ${describeIecStage(before.stageLabel)}`;
      const date = after.date === undefined ? '' : ` ${after.date}`;
      findings.push({
        event: 'amendment-published',
        severity: t.context.requirements ? 'critical' : 'major',
        words: `amendment ${after.reference} published${date}${was}`,
        ...(after.date !== undefined ? { publishedOn: after.date } : {}),
      });
    } else if (after.status === 'under-development' || after.status === 'deleted') {
      const finding = workInProgress(t, 'amendment', before, after);
      if (finding !== null) findings.push(finding);
    }
  }
  for (const { before, after } of moved(t, 'corrigendum')) {
    if (isPublished(after) && (before === undefined || !isPublished(before))) {
      findings.push({
        event: 'corrigendum-published',
        severity: 'minor',
        words: `corrigendum ${after.reference} published`,
        ...(after.date !== undefined ? { publishedOn: after.date } : {}),
      });
    }
  }
  return findings;
};

const newEditionInPreparation: Rule = (t) =>
  moved(t, 'replaced-by')
    .filter(({ after }) => after.status === 'under-development' || after.status === 'deleted')
    .map(({ before, after }) => workInProgress(t, 'replaced-by', before, after))
    .filter((finding): finding is Finding => finding !== null);

const stabilityDate: Rule = (t) => {
  const [before, after] = [t.before.dates?.stability, t.after.dates?.stability];
  if (before === after) return null;
  return { event: 'stability-date-changed', severity: 'minor', words: `Stability date ${after ?? 'none'}, was ${before ?? 'none'}` };
};

export const IEC_RULES: readonly Rule[] = [newEdition, withdrawn, replacementPublished, supplements, newEditionInPreparation, stabilityDate];

/**
 * A new edition or an amendment in preparation, first seen or moving through IEC's stages: the ISO
 * row of the phase its code belongs to (stages.ts), a move back out of the committee stage being a
 * repeated ballot, a first sighting before the enquiry a registration.
 */
function workInProgress(t: Transition, kind: 'amendment' | 'replaced-by', before: Relation | undefined, after: Relation): Finding | null {
  const what = kind === 'amendment' ? `amendment ${after.reference}` : `new edition ${after.reference}`;
  const to = iecStage(after.stageLabel);
  const from = iecStage(before?.stageLabel);
  const was = before === undefined ? '' : `, was ${describeIecStage(before.stageLabel)}`;
  const words = `${what}: ${describeIecStage(after.stageLabel)}${was}`;

  if (after.status === 'deleted' || to?.event === 'deleted') {
    // It was the pending revision or amendment of the watched publication.
    return before?.status === 'deleted' ? null : { event: 'deleted', severity: 'major', words };
  }
  if (before !== undefined && before.stageLabel === after.stageLabel) return null;

  if (before === undefined) {
    if (to?.event === 'dis-ballot' || to?.event === 'fdis' || to?.event === 'under-publication') return { event: to.event, severity: 'major', words };
    if (to?.phase === 'approval') return { event: 'fdis', severity: 'major', words };
    if (kind === 'replaced-by') return { event: 'revision-registered', severity: 'major', words };
    return { event: 'amendment-registered', severity: t.context.requirements ? 'major' : 'minor', words };
  }
  if (to === undefined) return { event: 'draft-progress', severity: 'minor', words };

  const earlyPhase = (phase: string | undefined) => phase === 'proposal' || phase === 'drafting';
  if (from !== undefined && stepOrdinal(to.step) < stepOrdinal(from.step) && !(earlyPhase(from.phase) && earlyPhase(to.phase))) {
    return { event: 'ballot-repeated', severity: 'major', words };
  }
  if (to.phase === 'approval' && from?.phase !== 'approval' && to.event === 'draft-progress') return { event: 'fdis', severity: 'major', words };
  if (to.event === 'dis-ballot' || to.event === 'fdis' || to.event === 'under-publication') return { event: to.event, severity: 'major', words };
  return { event: 'draft-progress', severity: 'minor', words };
}

/** "replaced by A and partially replaced by B": a note that replaces only a part says so. */
function replacementWords(successors: readonly Relation[]): string {
  const named = (partial: boolean) => successors.filter((r) => (r.partial === true) === partial).map((r) => r.reference);
  const [whole, part] = [named(false), named(true)];
  return [whole.length > 0 ? `replaced by ${whole.join(', ')}` : '', part.length > 0 ? `partially replaced by ${part.join(', ')}` : '']
    .filter((words) => words !== '')
    .join(' and ');
}

function relations(record: DocumentRecord, kind: Kind): Relation[] {
  return (record.relations ?? []).filter((r) => r.kind === kind);
}

/** Relations of `kind` in `after` that are new or differ from `before`, each with its earlier form. */
function moved(t: Transition, kind: Kind): Array<{ before?: Relation; after: Relation }> {
  const [before, after] = [relations(t.before, kind), relations(t.after, kind)];
  const sameRelation = relationIdentities(before, after);
  const old = new Map(before.map((r) => [sameRelation(r), r]));
  return after
    .map((after) => ({ before: old.get(sameRelation(after)), after }))
    .filter(({ before, after }) => before === undefined || !sameFacts(before, after));
}

function sameFacts(a: Relation, b: Relation): boolean {
  return a.reference === b.reference && a.status === b.status && a.stageLabel === b.stageLabel && a.date === b.date && a.partial === b.partial;
}

/** Published per its status; a "replaced by" link on a page has none, but names a dated publication. */
function isPublished(r: Relation): boolean {
  return r.status === undefined ? yearOf(r.reference) !== undefined : r.status === 'published';
}
