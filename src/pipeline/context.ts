import type { Fetcher } from '../fetch/fetcher.js';
import type { DocumentRecord } from '../model/record.js';
import type { Verdict } from '../model/source-report.js';
import type { LastCleanCheck, Store, StoredSourceState } from '../store/store.js';
import type { RunWatch } from './watch.js';

// The types the steps of a refresh share, in one place so that no step imports another's module
// for a type (no import cycles: refresh → check → acquire, health, compose).

export interface RefreshHooks {
  afterFetch?(sourceId: string): void;
  /** After items are composed and committed, before the feeds are written. */
  afterCompose?(): void;
  /** After one published file is in place, before the next. */
  afterPublishFile?(name: string): void;
  /** After a notification was attempted, before its outcome is stored. */
  afterSend?(deliveryKey: string): void;
}

/** What one check of one source needs: the run's dependencies and what the whole run watches. */
export interface CheckContext {
  runId: number;
  store: Store;
  fetcher: Fetcher;
  now: () => Date;
  /** Where big bodies are spooled while they are read. */
  spoolDir: string;
  watch: RunWatch;
  degradedAfter: number;
  /** Wall-clock budget of one source's fetch (sourceBudgetSeconds). */
  sourceBudgetMs: number;
  /** The refresh's signal: once aborted, no check is recorded. */
  signal?: AbortSignal;
  hooks?: Pick<RefreshHooks, 'afterFetch'>;
}

/** What the store remembers of a source when its check starts: read once, state first (its revision guards the baselines). */
export interface SourceMemory {
  state: StoredSourceState | undefined;
  baselines: ReadonlyMap<string, DocumentRecord>;
  /** The keys of its stored documents: `baselines` leaves out one whose stored record a stricter rule now refuses. */
  storedKeys: ReadonlySet<string>;
  /** The latest check that ended `changed` or `unchanged` (known-body.ts). */
  lastClean: LastCleanCheck | undefined;
}

export interface CheckOutcome {
  sourceId: string;
  verdict: Verdict;
  detail: string | null;
  summaries: string[];
}
