import type { Licence } from './licence.js';

// A check of one source ends in exactly one verdict. Only `changed` and `unchanged` come from a
// validated extraction; the others are source health and never become a change (DESIGN.md):
// `unreadable` (the source did not give the page), `extraction-failed` (the page is not what the
// kind reads: a redesign) and `internal` (regwatch failed: a bug or a storage error).

export const VERDICTS = ['changed', 'unchanged', 'unreadable', 'extraction-failed', 'internal'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A check that read its source: `changed` or `unchanged`. Any other verdict is a failed check. */
export function isCleanVerdict(verdict: Verdict): boolean {
  return verdict === 'changed' || verdict === 'unchanged';
}

/**
 * `never-read`: checked, but no check has read it yet (a wrong URL, a page that is not the kind's), and
 * not yet failed `degradedAfter` times; `ok`: its last good check read it and it is not degraded.
 */
export type SourceState = 'ok' | 'degraded' | 'never-read' | 'never-checked';

/** One row of sources.json: what a dashboard or a reference page's Provenance & licence block shows. */
export interface SourceReport {
  id: string;
  watcher: string;
  watcherVersion: string;
  url: string;
  licence: Licence;
  state: SourceState;
  lastVerdict: Verdict | null;
  /** Why the last check was not clean (`fetch: GET … returned 403`), else null. */
  lastDetail: string | null;
  /** The stable code of what ended the last failed check (`FETCH_HTTP_STATUS`, `EXTRACT_FAILED`), else null. */
  lastCode: string | null;
  lastCheckedAt: string | null;
  lastGoodCheckAt: string | null;
  lastChangeAt: string | null;
  consecutiveFailures: number;
  /** Documents this source reports, with the facts a reference page shows. */
  documents: Array<{ key: string; reference: string; status: string; stage: string | null; phase: string; url: string }>;
  /** Documents another source reports at another stage right now (derived from both baselines). */
  disagreements: Array<{ key: string; otherSource: string; field: string; here: string; there: string }>;
}
