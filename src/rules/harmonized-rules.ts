import type { Finding, Rule, Transition } from '../model/rule.js';
import { describeStage, stageOrdinal, stagePhase } from './harmonized-stages.js';
import {
  committeeChanged,
  icsChanged,
  languagesChanged,
  newEditionPublished,
  pagesChanged,
  publicationDateChanged,
  relationsOf,
  revisionsMoved,
  supplementsMoved,
  titleChanged,
} from './common-rules.js';

// spec/severity.md's main table: the rows written on harmonized ISO/IEC stage codes, in spec order,
// with the related-document and plain-field rows between them where the table puts them. Kinds
// whose records carry a harmonized code (iso.org pages, ISO Open Data) classify with this list.

const AMENDMENT = /\/(?:[A-Z]+ )?(?:D?Amd|AMD|DAM|PDAM|FDAM)\b/;
const CORRIGENDUM = /\/(?:[A-Z]+ )?(?:Cor|COR)\b/;

/** Both sides' codes when the harmonized stage moved, else null. */
function stageMove(t: Transition): { from: string; to: string } | null {
  const from = t.before.stage;
  const to = t.after.stage;
  return from !== undefined && to !== undefined && from !== to ? { from, to } : null;
}

function stageWords(t: Transition): string {
  return `${describeStage(t.after.stage ?? '')}, was ${describeStage(t.before.stage ?? '')}`;
}

function movedTo(t: Transition, ...codes: string[]): boolean {
  const move = stageMove(t);
  return move !== null && codes.includes(move.to);
}

/**
 * A stage that moves back to an earlier point of the approval phases (60.00 → 50.00, a DIS
 * re-balloted as ".2"). Inside phase 90 the review cycle 90.93 → 90.20 is forward, not back.
 */
function isBackwards(t: Transition): boolean {
  const move = stageMove(t);
  if (move === null || move.to.endsWith('.98')) return false; // 30.99 → 30.98 is a deletion
  if (stageOrdinal(move.to) >= stageOrdinal(move.from)) return false;
  return stagePhase(move.from) < 90 || stagePhase(move.to) < 90;
}

function isSupplement(reference: string): 'amendment' | 'corrigendum' | null {
  if (CORRIGENDUM.test(reference)) return 'corrigendum';
  if (AMENDMENT.test(reference)) return 'amendment';
  return null;
}

const withdrawn: Rule = (t) => {
  if (!movedTo(t, '95.99')) return null;
  const successors = relationsOf(t.after, 'replaced-by');
  if (successors.length > 0) {
    return { event: 'new-edition', severity: 'critical', words: `${stageWords(t)}; replaced by ${successors.map((r) => r.reference).join(', ')}` };
  }
  return { event: 'withdrawn', severity: 'critical', words: stageWords(t) };
};

const published: Rule = (t) => {
  if (!movedTo(t, '60.60')) return null;
  const supplement = isSupplement(t.after.reference);
  if (supplement === 'amendment') return { event: 'amendment-published', severity: t.context.requirements ? 'critical' : 'major', words: stageWords(t) };
  if (supplement === 'corrigendum') return { event: 'corrigendum-published', severity: 'minor', words: stageWords(t) };
  const replacesWatched = relationsOf(t.after, 'replaces').some((r) => r.key !== undefined && t.context.watchedKeys.has(r.key));
  return { event: 'published', severity: replacesWatched ? 'critical' : 'major', words: stageWords(t) };
};

const toBeRevised: Rule = (t) => (movedTo(t, '90.92') ? { event: 'revision-registered', severity: 'major', words: stageWords(t) } : null);

const deleted: Rule = (t) => {
  const move = stageMove(t);
  if (move === null || isBackwards(t) || !move.to.endsWith('.98')) return null;
  // major only when it was the pending revision or amendment of a watched document
  const pending = t.context.family !== null && t.context.family.role !== 'corrigendum';
  return { event: 'deleted', severity: pending ? 'major' : 'minor', words: stageWords(t) };
};

const draftProgress: Rule = (t) => {
  const move = stageMove(t);
  if (move === null || isBackwards(t) || move.to.endsWith('.98')) return null;
  const draftMove = stagePhase(move.to) <= 30 || ['40.00', '40.60', '40.92', '40.93', '40.99', '50.92'].includes(move.to);
  return draftMove ? { event: 'draft-progress', severity: 'minor', words: stageWords(t) } : null;
};

const at =
  (event: Finding['event'], severity: Finding['severity'], ...codes: string[]): Rule =>
  (t) =>
    movedTo(t, ...codes) ? { event, severity, words: stageWords(t) } : null;
const forwardTo =
  (event: Finding['event'], ...codes: string[]): Rule =>
  (t) =>
    movedTo(t, ...codes) && !isBackwards(t) ? { event, severity: 'major', words: stageWords(t) } : null;

export const HARMONIZED_RULES: readonly Rule[] = [
  // critical: the reference you certify against changed or ended
  withdrawn,
  newEditionPublished,
  published,
  supplementsMoved,
  // major: a change is coming with a date attached
  (t) => [toBeRevised(t), revisionsMoved(t)].flatMap((r) => (r === null ? [] : Array.isArray(r) ? r : [r])),
  forwardTo('dis-ballot', '40.20'),
  forwardTo('fdis', '50.00', '50.20', '50.60', '50.99'),
  forwardTo('under-publication', '60.00'),
  at('withdrawal-proposed', 'major', '90.99', '95.20', '95.60'),
  (t) => (isBackwards(t) ? { event: 'ballot-repeated', severity: 'major', words: stageWords(t) } : null),
  // minor: life-cycle facts that change nothing yet
  deleted,
  draftProgress,
  at('confirmed', 'minor', '90.93', '95.92'),
  committeeChanged,
  titleChanged,
  // info: housekeeping
  (t) => (movedTo(t, '90.20') ? { event: 'review-started', severity: t.context.requirements ? 'minor' : 'info', words: stageWords(t) } : null),
  at('review-closed', 'info', '90.60'),
  publicationDateChanged,
  pagesChanged,
  icsChanged,
  languagesChanged,
];
