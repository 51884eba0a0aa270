import type { Provenance } from '../model/item.js';
import type { Licence } from '../model/licence.js';
import type { Observation } from '../model/observation.js';
import type { Verdict } from '../model/source-report.js';
import { clip } from '../rules/classify.js';

// A source's health across checks, as a pure state transition: consecutive failures, degraded after
// `degradedAfter` of them (one item about the watcher, never about the standard), recovered on the
// next clean check (one more item). A failure never touches a document's baseline.

export interface Health {
  consecutiveFailures: number;
  degraded: boolean;
  lastVerdict: Verdict | null;
  lastDetail: string | null;
  lastCheckedAt: string | null;
  lastGoodAt: string | null;
  lastChangeAt: string | null;
}

export interface CheckResult {
  verdict: Verdict;
  detail: string | null;
  checkedAt: string;
}

export type HealthTransition =
  /** neverRead: no check of this source has ever read its documents, so nothing is known of them. */
  { kind: 'degraded'; failures: number; detail: string | null; neverRead: boolean } | { kind: 'recovered'; failures: number } | null;

const CLEAN: ReadonlySet<Verdict> = new Set(['changed', 'unchanged']);

export function nextHealth(previous: Health | undefined, check: CheckResult, degradedAfter: number): { health: Health; transition: HealthTransition } {
  const wasDegraded = previous?.degraded ?? false;
  if (CLEAN.has(check.verdict)) {
    return {
      health: {
        consecutiveFailures: 0,
        degraded: false,
        lastVerdict: check.verdict,
        lastDetail: check.detail,
        lastCheckedAt: check.checkedAt,
        lastGoodAt: check.checkedAt,
        lastChangeAt: check.verdict === 'changed' ? check.checkedAt : (previous?.lastChangeAt ?? null),
      },
      transition: wasDegraded ? { kind: 'recovered', failures: previous?.consecutiveFailures ?? 0 } : null,
    };
  }
  const failures = (previous?.consecutiveFailures ?? 0) + 1;
  const becomesDegraded = !wasDegraded && failures >= degradedAfter;
  return {
    health: {
      consecutiveFailures: failures,
      degraded: wasDegraded || becomesDegraded,
      lastVerdict: check.verdict,
      lastDetail: check.detail,
      lastCheckedAt: check.checkedAt,
      lastGoodAt: previous?.lastGoodAt ?? null,
      lastChangeAt: previous?.lastChangeAt ?? null,
    },
    transition: becomesDegraded ? { kind: 'degraded', failures, detail: check.detail, neverRead: (previous?.lastGoodAt ?? null) === null } : null,
  };
}

/**
 * regwatch's own words about its own watcher: not the publisher's facts, so not the publisher's
 * licence (a reader would otherwise see "ISO/IEC copyright" on a line regwatch wrote).
 */
export const HEALTH_NOTICE_LICENCE: Licence = {
  tag: 'open-attribution',
  rights: 'regwatch source-health notice: about the watcher, not the standard',
  attribution: 'regwatch',
};

export function healthObservation(
  source: { id: string; url: string },
  transition: NonNullable<HealthTransition>,
  observedAt: string,
  provenance: Provenance,
  checkId: number,
): Observation {
  const summary =
    transition.kind === 'degraded'
      ? `Source ${source.id} degraded: ${transition.failures} checks in a row failed (last: ${transition.detail ?? 'unknown'}). ${transition.neverRead ? 'regwatch has not read its documents yet.' : 'The watched documents are unchanged as far as regwatch knows.'}`
      : `Source ${source.id} recovered after ${transition.failures} failed checks.`;
  const degraded = transition.kind === 'degraded';
  return {
    sourceId: source.id,
    docKey: null,
    seq: checkId,
    documentUrl: source.url,
    reference: source.id,
    stage: null,
    observedAt,
    classification: { event: 'source-health', severity: 'info', alsoEvents: [], summary: clip(summary), effectiveDate: null, effectiveDateKind: null },
    changes: [{ field: 'source-state', before: degraded ? 'ok' : 'degraded', after: degraded ? 'degraded' : 'ok' }],
    provenance,
    licence: HEALTH_NOTICE_LICENCE,
  };
}
