import type { DocumentRecord } from '../../src/model/record.js';
import type { Glance } from './glance.js';

// Which rows of the dump are watched. Which documents are followed is config (the context), not
// code. Rows come in arbitrary order (the dump is shuffled daily), so family membership that
// depends on another row is decided only once the whole file has been seen.

export interface OpenDataContext {
  /** Every row of these committees is in scope, e.g. 'ISO/IEC JTC 1/SC 42'. */
  committees: string[];
  /** Followed ids (42001 = 81230): the row, its amendments, corrigenda, revisions and successors. */
  documents: number[];
  /** Keys this source reported last run ('iso:81230'): they stay in scope. */
  knownKeys: ReadonlySet<string>;
}

export interface ScopeRules {
  committees: ReadonlySet<string>;
  followed: ReadonlySet<number>;
  known: ReadonlySet<number>;
}

export interface Supplement {
  id: number;
  reference: string;
}

export function scopeRules(context: OpenDataContext): ScopeRules {
  const known = new Set<number>();
  for (const key of context.knownKeys) {
    const match = /^iso:(\d+)$/.exec(key);
    if (match) known.add(Number(match[1]));
  }
  return { committees: new Set(context.committees), followed: new Set(context.documents), known };
}

/** In scope on the row's own facts: its committee, its id, or it revises a followed document. */
export function inScopeAlone(row: Glance, rules: ScopeRules): boolean {
  return (
    (row.id !== null && (rules.followed.has(row.id) || rules.known.has(row.id))) ||
    (row.committee !== null && rules.committees.has(row.committee)) ||
    row.replaces.some((id) => rules.followed.has(id))
  );
}

/**
 * Rows that join through a followed document's row: the successors its `replacedBy` names, and
 * the amendments and corrigenda whose reference extends its reference (`ISO/IEC 42001:2023/Amd 1`).
 */
export function familyIds(followed: readonly DocumentRecord[], supplements: readonly Supplement[]): number[] {
  const ids = new Set<number>();
  for (const record of followed) {
    for (const relation of record.relations ?? []) {
      if (relation.kind === 'replaced-by' && relation.key !== undefined) ids.add(Number(relation.key.slice('iso:'.length)));
    }
  }
  const prefixes = followed.map((record) => `${record.reference}/`);
  for (const supplement of supplements) {
    if (prefixes.some((prefix) => supplement.reference.startsWith(prefix))) ids.add(supplement.id);
  }
  return [...ids];
}
