import type { Relation } from '../model/record.js';
import type { Finding, Rule, Transition } from '../model/rule.js';
import { describeRelation, relationIdentities } from './diff.js';

// The rows of spec/severity.md that read the same for every publisher: related documents (a new
// edition out, an amendment or corrigendum published or registered, a pending revision deleted)
// and plain fields (committee, title, dates, pages, ICS, languages). Each kind composes its list
// from these and its publisher's own rows (watchers/<kind>).

export function changed(t: Transition, field: string): boolean {
  return t.changes.some((c) => c.field === field);
}

/** The stage or the publisher's stage words moved: the reference moving with it is part of that event. */
export function stageMoved(t: Transition): boolean {
  return t.before.stage !== t.after.stage || t.before.stageLabel !== t.after.stageLabel || t.before.phase !== t.after.phase;
}

export function relationsOf(record: Transition['after'], kind: Relation['kind']): Relation[] {
  return (record.relations ?? []).filter((r) => r.kind === kind);
}

/**
 * Published per its status; a page that shows no status still dates a published reference (`…/Amd 2:2020`).
 * A reference that is only a key (`iso:8846`, a catalogue row the dump does not resolve) dates nothing.
 */
export function isPublishedRelation(r: Relation): boolean {
  if (r.status !== undefined) return r.status === 'published';
  return r.reference !== r.key && /:\d{4}$/.test(r.reference);
}

/** Still a draft as far as the page says: no status, or under development (not withdrawn, not published). */
function inPreparation(r: Relation): boolean {
  return r.status === undefined || r.status === 'under-development';
}

function about(relation: Relation): Pick<Finding, 'about'> {
  return relation.key === undefined ? {} : { about: relation.key };
}

/** Relations of `kind` on `after` that are new or changed since `before`, with their earlier form. */
export function movedRelations(t: Transition, kind: Relation['kind']): Array<{ before?: Relation; after: Relation }> {
  const [before, after] = [relationsOf(t.before, kind), relationsOf(t.after, kind)];
  const identity = relationIdentities(before, after);
  const old = new Map(before.map((r) => [identity(r), r]));
  return after
    .map((after) => ({ before: old.get(identity(after)), after }))
    .filter(({ before, after }) => before === undefined || describeRelation(before) !== describeRelation(after))
    .map(({ before, after }) => (before === undefined ? { after } : { before, after }));
}

/** critical: a document that replaces the watched one is out. */
export const newEditionPublished: Rule = (t) => {
  const published = movedRelations(t, 'replaced-by').filter(
    ({ before, after }) => isPublishedRelation(after) && (before === undefined || !isPublishedRelation(before)),
  );
  return published.map(({ after }): Finding => ({
    event: 'new-edition',
    severity: 'critical',
    words: `new edition ${after.reference} published`,
    ...about(after),
  }));
};

/** Amendments and corrigenda of the watched document: published, registered, abandoned, progressing. */
export const supplementsMoved: Rule = (t) => {
  const findings: Finding[] = [];
  for (const { before, after } of movedRelations(t, 'amendment')) {
    if (isPublishedRelation(after) && (before === undefined || !isPublishedRelation(before))) {
      findings.push({
        event: 'amendment-published',
        severity: t.context.requirements ? 'critical' : 'major',
        words: `amendment ${after.reference} published`,
        ...about(after),
      });
    } else if (before === undefined && (inPreparation(after) || after.status === 'deleted')) {
      findings.push({
        event: 'amendment-registered',
        severity: t.context.requirements ? 'major' : 'minor',
        words: `amendment project ${describeRelation(after)} registered`,
        ...about(after),
      });
    } else if (after.status === 'deleted') {
      // the pending amendment of the watched document was abandoned
      findings.push({ event: 'deleted', severity: 'major', words: `amendment project ${after.reference} deleted`, ...about(after) });
    } else if (before !== undefined && inPreparation(after)) {
      findings.push({ event: 'draft-progress', severity: 'minor', words: `amendment ${after.reference} progressed, was ${before.reference}`, ...about(after) });
    } else if (after.status === 'withdrawn') {
      // No progress and no row of its own: its base revised, the amendment goes with it (the base's event tells that).
      findings.push({ event: 'record-corrected', severity: 'info', words: `amendment ${after.reference} withdrawn`, ...about(after) });
    }
  }
  for (const { before, after } of movedRelations(t, 'corrigendum')) {
    if (isPublishedRelation(after) && (before === undefined || !isPublishedRelation(before))) {
      findings.push({ event: 'corrigendum-published', severity: 'minor', words: `corrigendum ${after.reference} published`, ...about(after) });
    }
  }
  return findings;
};

/** major: a revision of the watched document is registered, progresses or is abandoned. */
export const revisionsMoved: Rule = (t) => {
  const findings: Finding[] = [];
  for (const { before, after } of movedRelations(t, 'replaced-by')) {
    if (isPublishedRelation(after)) continue;
    if (after.status === 'deleted') {
      findings.push({ event: 'deleted', severity: 'major', words: `revision project ${after.reference} deleted`, ...about(after) });
    } else if (before === undefined && inPreparation(after)) {
      findings.push({ event: 'revision-registered', severity: 'major', words: `revision ${describeRelation(after)} registered`, ...about(after) });
    } else if (before !== undefined && inPreparation(after)) {
      findings.push({ event: 'draft-progress', severity: 'minor', words: `revision ${after.reference} progressed, was ${before.reference}`, ...about(after) });
    }
  }
  return findings;
};

export const committeeChanged: Rule = (t) => {
  if (changed(t, 'committee')) {
    return { event: 'committee-changed', severity: 'minor', words: `committee ${t.after.committee ?? 'none'}, was ${t.before.committee ?? 'none'}` };
  }
  if (changed(t, 'committeeTitle')) {
    return {
      event: 'committee-changed',
      severity: 'minor',
      words: `committee title "${t.after.committeeTitle ?? 'none'}", was "${t.before.committeeTitle ?? 'none'}"`,
    };
  }
  return null;
};

/** A new title, or a new reference without a stage move (the reference moving with the stage is the stage event). */
export const titleChanged: Rule = (t) => {
  if (!changed(t, 'title') && !(changed(t, 'reference') && !stageMoved(t))) return null;
  const words = changed(t, 'title') ? 'title changed' : `reference changed, was ${t.before.reference}`;
  return { event: 'title-changed', severity: t.after.status === 'published' ? 'minor' : 'info', words };
};

export const publicationDateChanged: Rule = (t) =>
  changed(t, 'publicationDate')
    ? { event: 'publication-date', severity: 'info', words: `publication date ${t.after.publicationDate ?? 'none'}, was ${t.before.publicationDate ?? 'none'}` }
    : null;

export const pagesChanged: Rule = (t) =>
  changed(t, 'pages') ? { event: 'pages-changed', severity: 'info', words: `pages ${t.after.pages ?? 'none'}, was ${t.before.pages ?? 'none'}` } : null;
export const icsChanged: Rule = (t) => (changed(t, 'ics') ? { event: 'ics-changed', severity: 'info', words: 'ICS changed' } : null);
export const languagesChanged: Rule = (t) => (changed(t, 'languages') ? { event: 'languages-changed', severity: 'info', words: 'languages changed' } : null);

/** The plain-field rows, in spec order, for publishers whose own rows come first. */
export const FIELD_RULES: readonly Rule[] = [committeeChanged, titleChanged, publicationDateChanged, pagesChanged, icsChanged, languagesChanged];
