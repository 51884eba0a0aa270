import { diffWords } from 'diff';
import type { DocumentRecord, Relation } from './record.js';
import type { FieldChange } from './item.js';

// Field-level diff of two canonical records. Pure. Relations are compared by identity (kind + key,
// or kind + reference where the page gives no link), so a related document whose reference moves
// (WD → CD → DIS) is one changed relation, not one removed and one added.

type ScalarField = 'reference' | 'title' | 'status' | 'stage' | 'stageDate' | 'publicationDate' | 'edition' | 'pages' | 'committee';
const SCALAR_FIELDS: ScalarField[] = ['reference', 'title', 'status', 'stage', 'stageDate', 'publicationDate', 'edition', 'pages', 'committee'];
const TEXT_FIELDS = new Set<ScalarField>(['title']);

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
  for (const field of ['ics', 'languages'] as const) {
    const a = listValue(before[field]);
    const b = listValue(after[field]);
    if (a !== b) changes.push({ field, before: a, after: b });
  }
  changes.push(...diffRelations(before.relations ?? [], after.relations ?? []));
  return changes;
}

/** The changes of a first observation: every field present, `before` null (as the replay lists them). */
export function baselineChanges(record: DocumentRecord): FieldChange[] {
  const empty: DocumentRecord = { key: record.key, reference: record.reference, status: record.status, stage: record.stage };
  const changes = diffRecords(empty, record);
  return [
    { field: 'reference', before: null, after: record.reference },
    { field: 'status', before: null, after: record.status },
    { field: 'stage', before: null, after: record.stage },
    ...changes,
  ];
}

export function relationIdentity(relation: Relation): string {
  return `${relation.kind}:${relation.key ?? relation.reference}`;
}

export function describeRelation(relation: Relation): string {
  return relation.status === undefined ? relation.reference : `${relation.reference} (${relation.status})`;
}

function diffRelations(before: Relation[], after: Relation[]): FieldChange[] {
  const old = new Map(before.map((r) => [relationIdentity(r), r]));
  const now = new Map(after.map((r) => [relationIdentity(r), r]));
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

function listValue(list: string[] | undefined): string | null {
  return list === undefined ? null : list.join(', ');
}

function wordDiff(a: string, b: string): string {
  return diffWords(a, b)
    .map((part) => (part.added ? `{+${part.value}+}` : part.removed ? `[-${part.value}-]` : part.value))
    .join('')
    .slice(0, 2000);
}
