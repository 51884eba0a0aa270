import type { DocumentRecord } from '../model/record.js';
import type { WatchScope } from '../../watchers/kind.js';
import { undatedReference } from '../rules/family.js';
import type { WatchedSource } from './sources.js';

// What the whole refresh watches, worked out once before any check from the config and the stored
// baselines: the documents followed by any source ("critical if it replaces a watched edition",
// families), each source's scope this time, and the requirements standards.

export interface RunWatch {
  /** Every document followed by any source. */
  keys: ReadonlySet<string>;
  /** Their references, where a source has a baseline of them (family detection). */
  references: ReadonlyMap<string, string>;
  /** Followed documents that are requirements standards (42001, 42006), across sources. */
  requirementsKeys: ReadonlySet<string>;
  /** …their references without the year: an adoption names what it adopts by reference only. */
  requirementsReferences: ReadonlySet<string>;
  /** Each source's scope for this run, by source id. */
  scopes: ReadonlyMap<string, WatchScope>;
}

export function runWatch(sources: readonly WatchedSource[], baselinesOf: (sourceId: string) => ReadonlyMap<string, DocumentRecord>): RunWatch {
  const baselines = new Map(sources.map((s) => [s.id, baselinesOf(s.id)]));
  const followedAlone = new Map(sources.map((s) => [s.id, followedBy(s, s.kind.watches(s.spec, new Set()), baselines.get(s.id)!)]));
  const everywhere = new Set([...followedAlone.values()].flat());
  const scopes = new Map(sources.map((s) => [s.id, sortedScope(s.kind.watches(s.spec, everywhere))]));

  const keys = new Set<string>();
  const requirementsKeys = new Set<string>();
  for (const source of sources) {
    const followed = followedBy(source, scopes.get(source.id)!, baselines.get(source.id)!);
    for (const key of followed) keys.add(key);
    if (source.config.requirements) for (const key of followed) requirementsKeys.add(key);
    for (const key of source.kind.requirementsKeys?.(source.spec) ?? []) requirementsKeys.add(key);
  }
  const references = new Map<string, string>();
  for (const own of baselines.values()) {
    for (const key of keys) {
      const record = own.get(key);
      if (record !== undefined && !references.has(key)) references.set(key, record.reference);
    }
  }
  const requirementsReferences = new Set(
    [...requirementsKeys].flatMap((key) => {
      const reference = references.get(key);
      return reference === undefined ? [] : [undatedReference(reference)];
    }),
  );
  return { keys, references, requirementsKeys, requirementsReferences, scopes };
}

/** A page follows the document it shows (known from its URL or once read); a catalogue follows its scope's keys. */
function followedBy(source: WatchedSource, scope: WatchScope, baselines: ReadonlyMap<string, DocumentRecord>): string[] {
  return source.kind.reports === 'one-document' ? [...new Set([...scope.keys, ...baselines.keys()])] : scope.keys;
}

function sortedScope(scope: WatchScope): WatchScope {
  return { keys: [...new Set(scope.keys)].sort(), groups: [...new Set(scope.groups)].sort() };
}
