import type { DocumentRecord } from '../model/record.js';
import type { WatchScope } from '../../watchers/kind.js';
import { familyOf } from '../rules/family.js';

// What a source watches (followed documents and whole groups: committees, series), remembered per
// check: a document or a group the user has just added is a first observation (`baseline`), not
// news (`new-project`) — spec/severity.md: "baseline: first observation of a watched id".

export interface NewlyWatched {
  keys: Set<string>;
  groups: Set<string>;
  /** Whether the previous check's scope is known (one recorded by a version before kinds of source is not). */
  known: boolean;
}

export function serializeScope(scope: WatchScope): string {
  return JSON.stringify(scope);
}

/**
 * What this check watches that the previous one did not. Nothing when no scope was recorded, or
 * one recorded in another form (by a version before kinds of source): as if the watch had not moved.
 */
export function newlyWatched(now: WatchScope, previous: string | null): NewlyWatched {
  const before = previous === null ? null : parseScope(previous);
  if (before === null) return { keys: new Set(), groups: new Set(), known: false };
  return {
    keys: new Set(now.keys.filter((key) => !before.keys.includes(key))),
    groups: new Set(now.groups.filter((group) => !before.groups.includes(group))),
    known: true,
  };
}

function parseScope(text: string): WatchScope | null {
  const value = JSON.parse(text) as Partial<WatchScope>;
  return Array.isArray(value.keys) && Array.isArray(value.groups) ? { keys: value.keys, groups: value.groups } : null;
}

/**
 * A document first seen because the user widened the watch, rather than because it is new.
 * `inGroup`: whether a record belongs to a watched group (a committee, a NIST series: the kind says).
 */
export function cameIntoScope(
  record: DocumentRecord,
  newly: NewlyWatched,
  records: readonly DocumentRecord[],
  inGroup: (record: DocumentRecord, group: string) => boolean,
): boolean {
  if (newly.keys.has(record.key)) return true;
  if ([...newly.groups].some((group) => inGroup(record, group))) return true;
  if (newly.keys.size === 0) return false;
  const newlyFollowed = new Map(records.filter((r) => newly.keys.has(r.key)).map((r) => [r.key, r.reference]));
  return familyOf(record, newlyFollowed) !== null;
}
