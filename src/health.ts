import type { Licence } from './licences.js';

// A check of one source ends in exactly one verdict. Only `changed` and `unchanged` come from a
// validated extraction; the others are source health and never become a change (DESIGN.md).

export const VERDICTS = ['changed', 'unchanged', 'unreadable', 'extraction-failed'] as const;
export type Verdict = (typeof VERDICTS)[number];

export type SourceState = 'ok' | 'degraded' | 'never-checked';

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
  lastCheckedAt: string | null;
  lastGoodCheckAt: string | null;
  lastChangeAt: string | null;
  consecutiveFailures: number;
  /** Documents this source reports, with the facts a reference page shows. */
  documents: Array<{ key: string; reference: string; status: string; stage: string; url: string }>;
  /** Documents another source reports at another stage right now (derived from both baselines). */
  disagreements: Array<{ key: string; otherSource: string; field: string; here: string; there: string }>;
}
