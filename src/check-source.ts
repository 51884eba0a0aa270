import type { SourceConfig } from './config.js';
import type { Fetcher } from './fetcher.js';
import type { Store } from './store/store.js';
import type { Observation } from './observation.js';
import type { Verdict } from './health.js';
import { watcherFor, licenceFor } from '../watchers/index.js';
import { canonicalRecord, keepKnownRelations, type DocumentRecord } from './record.js';
import { baselineChanges, diffRecords } from './diff.js';
import { classifyChange, classifyFirstObservation, type ClassifyContext } from './classify.js';
import { documentUrl } from './document-url.js';
import { familyOf } from './family.js';
import { cameIntoScope, newlyWatched } from './watch-scope.js';
import { emptyProvenance, fetchAndExtract } from './fetch-and-extract.js';
import { healthy, recordFailure, recovery } from './source-health.js';
import type { RefreshHooks } from './refresh.js';
import { CheckAbortedError } from './check-budget.js';

// One check of one source, top to bottom:
//   fetch → extract → validate → diff against the baseline → classify → store (one transaction).
// Fetch and store are the only I/O; a failure anywhere ends in a verdict, never in a change.

export interface CheckDeps {
  store: Store;
  fetcher: Fetcher;
  now: () => Date;
  /** Where big bodies are spooled while they are read. */
  spoolDir: string;
  /** Every document key watched by any source before this run. */
  watchedKeys: ReadonlySet<string>;
  watchedReferences: ReadonlyMap<string, string>;
  degradedAfter: number;
  /** Wall-clock budget of one source's fetch (sourceBudgetSeconds). */
  sourceBudgetMs: number;
  /** The refresh's signal: once aborted, no check is recorded. */
  signal?: AbortSignal;
  hooks?: Pick<RefreshHooks, 'afterFetch'>;
}

export interface CheckOutcome {
  sourceId: string;
  verdict: Verdict;
  detail: string | null;
  summaries: string[];
  /** The check failed inside regwatch (a bug, a storage error), not at the source. */
  internal?: true;
}

export async function checkSource(source: SourceConfig, runId: number, deps: CheckDeps): Promise<CheckOutcome> {
  const watcher = watcherFor(source.watcher);
  const licence = licenceFor(source, watcher);
  const state = deps.store.sourceState(source.id); // first: its revision guards the baselines read next
  const baselines = deps.store.baselines(source.id);
  const extraction = await fetchAndExtract(source, watcher, state, new Set(baselines.keys()), runId, deps);
  if (deps.signal?.aborted) throw new CheckAbortedError(source.id);
  const checkedAt = deps.now().toISOString();

  if (extraction.kind === 'failed') {
    return recordFailure(source, runId, state, extraction, checkedAt, licence, deps);
  }
  if (extraction.kind === 'not-modified') {
    deps.store.recordCheck({
      runId, sourceId: source.id, checkedAt, verdict: 'unchanged', detail: 'not modified (304)', url: source.url,
      httpStatus: 304, sha256: null, fetchedAt: extraction.fetch.fetchedAt, readRevision: state?.revision ?? 0, baselines: [],
      observations: (_seq, checkId) => recovery(source, state, checkedAt, licence, emptyProvenance(source, watcher, extraction.fetch.fetchedAt, 304), checkId),
      state: healthy(source, watcher, state, checkedAt, false, state?.lastDetail ?? null, {}),
    });
    return { sourceId: source.id, verdict: 'unchanged', detail: 'not modified (304)', summaries: [] };
  }

  const firstCheck = !(state?.baselined ?? false) || baselines.size === 0;
  const newly = newlyWatched(source, state?.scope ?? null);
  // seq (the document's n-th change, part of the item id) is known only inside the transaction
  const changed: Array<{ record: DocumentRecord; observation: Observation }> = [];
  for (const extracted of extraction.records) {
    const before = baselines.get(extracted.key);
    const record = canonicalRecord(keepKnownRelations(extracted, before));
    const context = classifyContext(source, record, deps);
    const observed = (classification: Observation['classification'], changes: Observation['changes']): Observation => ({
      sourceId: source.id, docKey: record.key, seq: 0, documentUrl: documentUrl(source, record.key), reference: record.reference,
      stage: record.stage, observedAt: checkedAt, classification, changes, provenance: extraction.provenance, licence,
    });
    if (before === undefined) {
      const kind = firstCheck || cameIntoScope(record, newly, extraction.records) ? 'baseline' : 'new-project';
      changed.push({ record, observation: observed(classifyFirstObservation(record, kind, context), baselineChanges(record)) });
      continue;
    }
    const changes = diffRecords(canonicalRecord(before), record);
    if (changes.length === 0) continue; // identical in every field, whatever the bytes
    changed.push({ record, observation: observed(classifyChange(before, record, changes, context), changes) });
  }

  const verdict: Verdict = changed.length > 0 ? 'changed' : 'unchanged';
  const detail = missingDocuments(source, baselines, extraction.records);
  const fetch = extraction.fetch;
  deps.store.recordCheck({
    runId, sourceId: source.id, checkedAt, verdict, detail, url: source.url, httpStatus: fetch.status, sha256: fetch.sha256,
    fetchedAt: fetch.fetchedAt, readRevision: state?.revision ?? 0, baselines: changed.map((c) => c.record),
    observations: (seqOf, checkId) => [
      ...changed.map(({ record, observation }) => ({ ...observation, seq: seqOf(record.key) })),
      ...recovery(source, state, checkedAt, licence, extraction.provenance, checkId),
    ],
    state: healthy(source, watcher, state, checkedAt, changed.length > 0, detail, { etag: fetch.etag ?? null, lastModified: fetch.lastModified ?? null }),
  });
  return { sourceId: source.id, verdict, detail, summaries: changed.map((c) => c.observation.classification.summary) };
}

/**
 * Documents the source should have and does not: source health, never a withdrawal (only a
 * validated record at 95.99 says "withdrawn"). Their baselines are kept.
 */
function missingDocuments(source: SourceConfig, baselines: Map<string, DocumentRecord>, records: DocumentRecord[]): string | null {
  const present = new Set(records.map((r) => r.key));
  const expected = new Set([...baselines.keys(), ...(source.documents ?? []).map((id) => `iso:${id}`)]);
  const missing = [...expected].filter((key) => !present.has(key)).sort();
  if (missing.length === 0) return null;
  const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
  return `not in the source: ${shown}`;
}

function classifyContext(source: SourceConfig, record: DocumentRecord, deps: CheckDeps): ClassifyContext {
  const family = familyOf(record, deps.watchedReferences);
  const requirementsIds = new Set((source.requirementsDocuments ?? []).map((id) => `iso:${id}`));
  const requirements = source.requirements || requirementsIds.has(record.key) || (family !== null && requirementsIds.has(family.parent));
  return { requirements, watchedKeys: deps.watchedKeys, family };
}

