import type { SourceConfig } from './config.js';
import type { DocumentRecord } from './record.js';
import { familyOf } from './family.js';

// What a source watches (its committees and followed documents), remembered per check: a document
// or a committee the user has just added is a first observation (`baseline`), not news
// (`new-project`) — spec/severity.md: "baseline: first observation of a watched id".

export interface WatchScope {
  committees: string[];
  documents: number[];
}

export function scopeOf(source: SourceConfig): WatchScope {
  return {
    committees: [...new Set(source.committees ?? [])].sort(),
    documents: [...new Set(source.documents ?? [])].sort((a, b) => a - b),
  };
}

export function serializeScope(scope: WatchScope): string {
  return JSON.stringify(scope);
}

export interface NewlyWatched {
  keys: Set<string>;
  committees: Set<string>;
}

/** What this check watches that the previous one did not (nothing, when no scope was recorded). */
export function newlyWatched(source: SourceConfig, previous: string | null): NewlyWatched {
  if (previous === null) return { keys: new Set(), committees: new Set() };
  const before = JSON.parse(previous) as WatchScope;
  const now = scopeOf(source);
  return {
    keys: new Set(now.documents.filter((id) => !before.documents.includes(id)).map((id) => `iso:${id}`)),
    committees: new Set(now.committees.filter((c) => !before.committees.includes(c))),
  };
}

/** A document first seen because the user widened the watch, rather than because it is new. */
export function cameIntoScope(record: DocumentRecord, newly: NewlyWatched, records: DocumentRecord[]): boolean {
  if (newly.keys.has(record.key)) return true;
  if (record.committee !== undefined && newly.committees.has(record.committee)) return true;
  if (newly.keys.size === 0) return false;
  const newlyFollowed = new Map(records.filter((r) => newly.keys.has(r.key)).map((r) => [r.key, r.reference]));
  return familyOf(record, newlyFollowed) !== null;
}
