import type { SourceConfig } from './config.js';
import type { Provenance } from './item.js';
import type { Licence } from './licences.js';
import type { Observation } from './observation.js';
import type { SourceStateRow, StoredSourceState } from './store/store.js';
import { BaselineMovedError } from './store/baseline-moved-error.js';
import type { AnyWatcher } from '../watchers/index.js';
import { watcherFor, licenceFor } from '../watchers/index.js';
import type { CheckDeps, CheckOutcome } from './check-source.js';
import { emptyProvenance, type Extraction } from './fetch-and-extract.js';
import { scopeOf, serializeScope } from './watch-scope.js';

// A source's health across checks: consecutive failures, degraded after `degradedAfter` of them
// (one item about the watcher, never about the standard), recovered on the next clean check (one
// more item). Failures are recorded here; they never touch a document's baseline.

export function sourceHealthObservation(
  source: SourceConfig,
  transition: 'degraded' | 'recovered',
  failures: number,
  detail: string | null,
  observedAt: string,
  provenance: Provenance,
  licence: Licence,
  checkId: number,
): Observation {
  const summary =
    transition === 'degraded'
      ? `Source ${source.id} degraded: ${failures} checks in a row failed (last: ${detail ?? 'unknown'}). The watched documents are unchanged as far as regwatch knows.`
      : `Source ${source.id} recovered after ${failures} failed checks.`;
  return {
    sourceId: source.id,
    docKey: null,
    seq: checkId,
    documentUrl: source.url,
    reference: source.id,
    stage: null,
    observedAt,
    classification: {
      event: 'source-health',
      severity: 'info',
      alsoEvents: [],
      summary: summary.length > 400 ? `${summary.slice(0, 399)}…` : summary,
      effectiveDate: null,
      effectiveDateKind: null,
    },
    changes: [{ field: 'source-state', before: transition === 'degraded' ? 'ok' : 'degraded', after: transition === 'degraded' ? 'degraded' : 'ok' }],
    provenance,
    licence,
  };
}

/**
 * A check that failed inside regwatch (a bug, a storage error) still counts against the source's
 * health, so a source that keeps failing is shown as degraded. Best effort: the store may be the
 * cause, and then nothing more can be recorded.
 */
export function recordInternalFailure(source: SourceConfig, runId: number, error: unknown, deps: CheckDeps): CheckOutcome {
  const detail = `internal: ${(error as Error).message}`.slice(0, 1000);
  const outcome: CheckOutcome = { sourceId: source.id, verdict: 'extraction-failed', detail, summaries: [], internal: true };
  // Another refresh stored a check of this source meanwhile: that one stands, and this is no failure of the source.
  if (error instanceof BaselineMovedError) return outcome;
  try {
    const watcher = watcherFor(source.watcher);
    const checkedAt = deps.now().toISOString();
    recordFailure(source, runId, deps.store.sourceState(source.id), {
      kind: 'failed', verdict: 'extraction-failed', detail, provenance: emptyProvenance(source, watcher, checkedAt, 0), httpStatus: null, sha256: null, fetchedAt: checkedAt,
    }, checkedAt, licenceFor(source, watcher), deps);
  } catch {
    // the store itself is failing: the outcome still reaches the caller and the exit code
  }
  return outcome;
}

export function recordFailure(
  source: SourceConfig, runId: number, state: StoredSourceState | undefined,
  failure: Extract<Extraction, { kind: 'failed' }>, checkedAt: string, licence: Licence, deps: CheckDeps,
): CheckOutcome {
  const failures = (state?.consecutiveFailures ?? 0) + 1;
  const becomesDegraded = !(state?.degraded ?? false) && failures >= deps.degradedAfter;
  deps.store.recordCheck({
    runId, sourceId: source.id, checkedAt, verdict: failure.verdict, detail: failure.detail, url: source.url,
    httpStatus: failure.httpStatus, sha256: failure.sha256, fetchedAt: failure.fetchedAt, readRevision: state?.revision ?? 0, baselines: [],
    observations: (_seq, checkId) =>
      becomesDegraded ? [sourceHealthObservation(source, 'degraded', failures, failure.detail, checkedAt, failure.provenance, licence, checkId)] : [],
    state: {
      consecutiveFailures: failures,
      degraded: (state?.degraded ?? false) || becomesDegraded,
      lastVerdict: failure.verdict,
      lastDetail: failure.detail,
      lastCheckedAt: checkedAt,
      lastGoodAt: state?.lastGoodAt ?? null,
      lastChangeAt: state?.lastChangeAt ?? null,
      etag: state?.etag ?? null,
      lastModified: state?.lastModified ?? null,
      baselined: state?.baselined ?? false,
      scope: state?.scope ?? null,
      watcherVersion: state?.watcherVersion ?? null,
    },
  });
  return { sourceId: source.id, verdict: failure.verdict, detail: failure.detail, summaries: [] };
}

export function recovery(source: SourceConfig, state: SourceStateRow | undefined, checkedAt: string, licence: Licence, provenance: Provenance, checkId: number): Observation[] {
  if (!state?.degraded) return [];
  return [sourceHealthObservation(source, 'recovered', state.consecutiveFailures, null, checkedAt, provenance, licence, checkId)];
}

export function healthy(
  source: SourceConfig, watcher: AnyWatcher, state: SourceStateRow | undefined, checkedAt: string, changed: boolean,
  detail: string | null, validators: { etag?: string | null; lastModified?: string | null },
): Omit<SourceStateRow, 'sourceId'> {
  return {
    consecutiveFailures: 0,
    degraded: false,
    lastVerdict: changed ? 'changed' : 'unchanged',
    lastDetail: detail,
    lastCheckedAt: checkedAt,
    lastGoodAt: checkedAt,
    lastChangeAt: changed ? checkedAt : (state?.lastChangeAt ?? null),
    etag: validators.etag === undefined ? (state?.etag ?? null) : validators.etag,
    lastModified: validators.lastModified === undefined ? (state?.lastModified ?? null) : validators.lastModified,
    baselined: true,
    scope: serializeScope(scopeOf(source)),
    watcherVersion: watcher.version,
  };
}
