import { createRequire } from 'node:module';
import type * as Diff from 'diff';
import { DATE_NAMES, type DocumentRecord, type Relation } from '../model/record.js';
import type { FieldChange } from '../model/item.js';

// Field-level diff of two canonical records. Pure. Relations are compared by identity (kind + key,
// or kind + reference where the page gives no link), so a related document whose reference moves
// (WD → CD → DIS) is one changed relation, not one removed and one added. `phase` is never a field
// change of its own: it is derived from the stage or the publisher's words, which are.

type ScalarField =
  | 'reference'
  | 'title'
  | 'status'
  | 'stage'
  | 'stageLabel'
  | 'stageDate'
  | 'publicationDate'
  | 'edition'
  | 'version'
  | 'pages'
  | 'committee'
  | 'committeeTitle';
const SCALAR_FIELDS: ScalarField[] = [
  'reference',
  'title',
  'status',
  'stage',
  'stageLabel',
  'stageDate',
  'publicationDate',
  'edition',
  'version',
  'pages',
  'committee',
  'committeeTitle',
];
const TEXT_FIELDS = new Set<ScalarField>(['title', 'committeeTitle']);

export function diffRecords(before: DocumentRecord, after: DocumentRecord): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of SCALAR_FIELDS) {
    const a = before[field] ?? null;
    const b = after[field] ?? null;
    if (a === b) continue;
    const change: FieldChange = { field, before: a, after: b };
    if (TEXT_FIELDS.has(field) && typeof a === 'string' && typeof b === 'string') change.wordDiff = wordDiff(a, b);
    changes.push(change);
  }
  for (const field of ['ics', 'languages'] as const) pushList(changes, field, before[field], after[field]);
  for (const name of DATE_NAMES) {
    const a = before.dates?.[name] ?? null;
    const b = after.dates?.[name] ?? null;
    if (a !== b) changes.push({ field: `dates.${name}`, before: a, after: b });
  }
  pushList(changes, 'legal.directives', before.legal?.directives, after.legal?.directives);
  pushList(changes, 'legal.mandates', before.legal?.mandates, after.legal?.mandates);
  const citation = [before.legal?.ojeuCitation ?? null, after.legal?.ojeuCitation ?? null] as const;
  if (citation[0] !== citation[1]) changes.push({ field: 'legal.ojeuCitation', before: citation[0], after: citation[1] });
  changes.push(...diffRelations(before.relations ?? [], after.relations ?? []));
  return changes;
}

/** The changes of a first observation: every field present, `before` null (as the replays list them). */
export function baselineChanges(record: DocumentRecord): FieldChange[] {
  const empty: DocumentRecord = { key: record.key, reference: record.reference, status: record.status, phase: record.phase };
  const lead: FieldChange[] = [
    { field: 'reference', before: null, after: record.reference },
    { field: 'status', before: null, after: record.status },
  ];
  if (record.stage !== undefined) {
    empty.stage = record.stage;
    lead.push({ field: 'stage', before: null, after: record.stage });
  }
  return [...lead, ...diffRecords(empty, record)];
}

/**
 * How a relation is recognised across two records: by its key, or, when one record names it without a
 * link and the other with one, by that key. A page that starts (or stops) linking a related document
 * changes its markup, not the relation (spec rule 3). Paired only one to one: the unlinked side has
 * no linked twin, the linked side exactly one and no unlinked twin, and a deleted project is never
 * paired with a live one of the same reference (a new project can reuse a deleted one's reference).
 */
export function relationIdentities(before: readonly Relation[], after: readonly Relation[]): (relation: Relation) => string {
  const plain = (r: Relation) => `${r.kind}:${r.key ?? r.reference}`;
  const named = (r: Relation) => `${r.kind}\u0000${r.reference}`;
  const borrowed = new Map<Relation, string>();
  for (const [own, other] of [
    [before, after],
    [after, before],
  ] as const) {
    for (const relation of own) {
      if (relation.key !== undefined) continue;
      const twins = (side: readonly Relation[]) => side.filter((r) => named(r) === named(relation));
      const linkedHere = twins(own).filter((r) => r.key !== undefined);
      const linkedThere = twins(other).filter((r) => r.key !== undefined);
      const unlinkedThere = twins(other).filter((r) => r.key === undefined);
      const twin = linkedThere[0];
      if (linkedHere.length > 0 || linkedThere.length !== 1 || unlinkedThere.length > 0 || twin === undefined) continue;
      if ((twin.status === 'deleted') !== (relation.status === 'deleted')) continue;
      borrowed.set(relation, plain(twin));
    }
  }
  return (relation) => borrowed.get(relation) ?? plain(relation);
}

/** `ISO/IEC 42001:2023/Amd 1 (published)`; a stage label or date where the source gives one; `partial` for a successor of a part. */
export function describeRelation(relation: Relation): string {
  const facts = [relation.status, relation.stageLabel, relation.date, relation.partial === true ? 'partial' : undefined].filter((fact) => fact !== undefined);
  return facts.length === 0 ? relation.reference : `${relation.reference} (${facts.join(', ')})`;
}

function diffRelations(before: Relation[], after: Relation[]): FieldChange[] {
  const identity = relationIdentities(before, after);
  const old = new Map(before.map((r) => [identity(r), r]));
  const now = new Map(after.map((r) => [identity(r), r]));
  const changes: FieldChange[] = [];
  for (const identity of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const a = old.get(identity);
    const b = now.get(identity);
    const field = `relations.${(a ?? b)!.kind}`;
    const av = a === undefined ? null : describeRelation(a);
    const bv = b === undefined ? null : describeRelation(b);
    if (av !== bv) changes.push({ field, before: av, after: bv });
  }
  return changes;
}

function pushList(changes: FieldChange[], field: string, before: readonly string[] | undefined, after: readonly string[] | undefined): void {
  const a = before === undefined ? null : before.join(', ');
  const b = after === undefined ? null : after.join(', ');
  if (a !== b) changes.push({ field, before: a, after: b });
}

// Required on the first word diff (a changed title), not at every refresh's start-up.
let diff: typeof Diff | undefined;

function wordDiff(a: string, b: string): string {
  diff ??= createRequire(import.meta.url)('diff') as typeof Diff;
  return diff
    .diffWords(a, b)
    .map((part) => (part.added ? `{+${part.value}+}` : part.removed ? `[-${part.value}-]` : part.value))
    .join('')
    .slice(0, 2000);
}
