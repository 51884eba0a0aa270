import { isValidStage } from '../rules/harmonized-stages.js';
import type { WatchScope } from '../../watchers/kind.js';
import type { SourceMemory } from './context.js';
import type { WatchedSource } from './sources.js';
import { serializeScope } from './watch-scope.js';

// iso.org pages carry no validators: every check downloads the page again, and nearly every time it
// is the page the last check read. Extract is pure, so a body byte for byte the one the last clean
// check read, read the same way (kind version, URL, scope: a kind's options show in its scope),
// gives the records that check stored as baselines, and the same words on missing documents:
// the check is `unchanged` and the page need not be parsed at all. Anything else that could
// change the answer sends the body through extract as before.

export interface KnownBody {
  /** The last clean check's detail (the documents the source should have and did not show). */
  detail: string | null;
}

export function knownUnchanged(
  source: WatchedSource,
  body: { sha256: string; finalUrl: string },
  memory: SourceMemory,
  scope: WatchScope,
): KnownBody | undefined {
  const { state, lastClean } = memory;
  // The latest clean check must have read a body: after a 304 the stored scope is the 304's.
  if (state === undefined || lastClean === undefined || lastClean.sha256 === null) return undefined;
  const sameReading =
    lastClean.sha256 === body.sha256 &&
    lastClean.url === source.url &&
    body.finalUrl === source.url &&
    state.baselined &&
    state.watcherVersion === source.kind.version &&
    state.scope === serializeScope(scope) &&
    // validated against another source's baselines, which may have moved since
    source.config.sameAs === undefined &&
    // every stored baseline still passes today's checks: a stricter rule would refuse the records again
    memory.storedKeys.size === memory.baselines.size &&
    [...memory.baselines.values()].every((record) => record.stage === undefined || isValidStage(record.stage));
  return sameReading ? { detail: lastClean.detail } : undefined;
}
