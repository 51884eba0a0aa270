import type { SourceConfig } from './config.js';
import type { Provenance } from './item.js';
import type { Licence } from './licences.js';
import type { Observation } from './observation.js';

// A source that stays unreadable or unextractable for N checks in a row publishes one item about the
// watcher (never about the standard), and one more when it recovers.

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
