import { recordSchema, type DocumentRecord, type Relation } from '../../src/model/record.js';
import { isValidStage, phaseOfStage, stageFromInteger, statusOfStage } from '../../src/rules/harmonized-stages.js';

// One row of ISO Open Data `iso_deliverables_metadata` → one DocumentRecord. Only the named fields
// are read: `scope` (the copyrighted abstract) is never looked at, and the rows have no title.

export type RowOutcome = { ok: true; record: DocumentRecord } | { ok: false; reason: string };

/**
 * A related row the dump does not resolve keeps its key as its reference: `iso:88464` says plainly
 * "not resolved", where `ISO 88464` would pass for a real reference. The watcher replaces it with
 * the related row's own reference when that row is in the same file.
 */
export function unresolvedReference(id: number): string {
  return `iso:${id}`;
}

export function rowToRecord(row: unknown): RowOutcome {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return fail('row is not a JSON object');
  const r = row as Record<string, unknown>;
  const id = r.id;
  if (!isId(id)) return fail('id is not a positive integer');
  const at = (reason: string): RowOutcome => fail(`id ${id}: ${reason}`);

  if (typeof r.reference !== 'string') return at('reference is not a string');
  const stage = stageFromInteger(r.currentStage);
  if (stage === null || !isValidStage(stage)) return at(`currentStage ${JSON.stringify(r.currentStage)} is not a harmonized stage code`);

  const record: DocumentRecord = { key: `iso:${id}`, reference: r.reference, status: statusOfStage(stage), phase: phaseOfStage(stage), stage };

  if (r.publicationDate != null) {
    if (typeof r.publicationDate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(r.publicationDate)) return at('publicationDate is not YYYY-MM-DD');
    record.publicationDate = r.publicationDate;
  }
  if (r.edition != null) {
    if (!isId(r.edition)) return at('edition is not a positive integer');
    record.edition = r.edition;
  }
  const pages = readPages(r.pages);
  if (pages === 'invalid') return at('pages is not an object of page counts');
  if (pages !== undefined) record.pages = pages;
  if (r.ownerCommittee != null) {
    if (typeof r.ownerCommittee !== 'string') return at('ownerCommittee is not a string');
    record.committee = r.ownerCommittee;
  }
  const ics = readStrings(r.icsCode);
  if (ics === 'invalid') return at('icsCode is not a list of strings');
  if (ics !== undefined) record.ics = ics;
  const languages = readStrings(r.languages);
  if (languages === 'invalid') return at('languages is not a list of strings');
  if (languages !== undefined) record.languages = languages;

  const replaces = readIds(r.replaces);
  const replacedBy = readIds(r.replacedBy);
  if (replaces === 'invalid') return at('replaces is not a list of ids');
  if (replacedBy === 'invalid') return at('replacedBy is not a list of ids');
  const relations: Relation[] = [
    ...replaces.map((other): Relation => ({ kind: 'replaces', key: `iso:${other}`, reference: unresolvedReference(other) })),
    ...replacedBy.map((other): Relation => ({ kind: 'replaced-by', key: `iso:${other}`, reference: unresolvedReference(other) })),
  ];
  if (relations.length > 0) record.relations = relations;

  const parsed = recordSchema.safeParse(record);
  if (!parsed.success) {
    return at(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`).join('; '));
  }
  return { ok: true, record: parsed.data };
}

function fail(reason: string): RowOutcome {
  return { ok: false, reason };
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** `{"en": 29}` → 29; the English count, else the first count given. */
function readPages(value: unknown): number | undefined | 'invalid' {
  if (value == null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return 'invalid';
  const counts = value as Record<string, unknown>;
  const first = [counts.en, ...Object.values(counts)].find((count) => count != null);
  if (first === undefined) return undefined;
  return isId(first) ? first : 'invalid';
}

/** An empty list carries no fact: it is left absent, like null. */
function readStrings(value: unknown): string[] | undefined | 'invalid' {
  if (value == null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return 'invalid';
  return value.length > 0 ? (value as string[]) : undefined;
}

function readIds(value: unknown): number[] | 'invalid' {
  if (value == null) return [];
  if (!Array.isArray(value) || !value.every(isId)) return 'invalid';
  return value;
}
