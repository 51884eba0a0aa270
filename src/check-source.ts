import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceConfig } from './config.js';
import type { Fetcher, FetchResult } from './fetcher.js';
import type { Store, SourceStateRow } from './store/store.js';
import type { Observation } from './observation.js';
import type { Provenance } from './item.js';
import type { Licence } from './licences.js';
import type { Verdict } from './health.js';
import type { ExtractOutcome } from '../watchers/watcher.js';
import { watcherFor, licenceFor, type AnyWatcher } from '../watchers/index.js';
import { canonicalRecord, keepKnownRelations, recordSchema, type DocumentRecord } from './record.js';
import { isValidStage } from './stages.js';
import { baselineChanges, diffRecords } from './diff.js';
import { classifyChange, classifyFirstObservation, type ClassifyContext } from './classify.js';
import { sourceHealthObservation } from './source-health.js';
import { documentUrl } from './document-url.js';
import { familyOf } from './family.js';
import { cameIntoScope, newlyWatched, scopeOf, serializeScope } from './watch-scope.js';
import type { RefreshHooks } from './refresh.js';

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

type Extraction =
  | { kind: 'records'; records: DocumentRecord[]; provenance: Provenance; fetch: Extract<FetchResult, { kind: 'ok' }> }
  | { kind: 'not-modified'; fetch: Extract<FetchResult, { kind: 'not-modified' }> }
  | { kind: 'failed'; verdict: 'unreadable' | 'extraction-failed'; detail: string; provenance: Provenance; httpStatus: number | null; sha256: string | null; fetchedAt: string };

export async function checkSource(source: SourceConfig, runId: number, deps: CheckDeps): Promise<CheckOutcome> {
  const watcher = watcherFor(source.watcher);
  const licence = licenceFor(source, watcher);
  const state = deps.store.sourceState(source.id);
  const extraction = await fetchAndExtract(source, watcher, state, runId, deps);
  const checkedAt = deps.now().toISOString();

  if (extraction.kind === 'failed') {
    return recordFailure(source, runId, state, extraction, checkedAt, licence, deps);
  }
  if (extraction.kind === 'not-modified') {
    deps.store.recordCheck({
      runId, sourceId: source.id, checkedAt, verdict: 'unchanged', detail: 'not modified (304)', url: source.url,
      httpStatus: 304, sha256: null, fetchedAt: extraction.fetch.fetchedAt, baselines: [],
      observations: (_seq, checkId) => recovery(source, state, checkedAt, licence, emptyProvenance(source, watcher, extraction.fetch.fetchedAt, 304), checkId),
      state: healthy(source, watcher, state, checkedAt, false, state?.lastDetail ?? null, {}),
    });
    return { sourceId: source.id, verdict: 'unchanged', detail: 'not modified (304)', summaries: [] };
  }

  const baselines = deps.store.baselines(source.id);
  const firstCheck = !(state?.baselined ?? false) || baselines.size === 0;
  const newly = newlyWatched(source, state?.scope ?? null);
  const changed: Array<{ record: DocumentRecord; build: (seq: number) => Observation }> = [];
  for (const extracted of extraction.records) {
    const before = baselines.get(extracted.key);
    const record = canonicalRecord(keepKnownRelations(extracted, before));
    const context = classifyContext(source, record, deps);
    const observed = (seq: number, classification: Observation['classification'], changes: Observation['changes']): Observation => ({
      sourceId: source.id, docKey: record.key, seq, documentUrl: documentUrl(source, record.key), reference: record.reference,
      stage: record.stage, observedAt: checkedAt, classification, changes, provenance: extraction.provenance, licence,
    });
    if (before === undefined) {
      const kind = firstCheck || cameIntoScope(record, newly, extraction.records) ? 'baseline' : 'new-project';
      changed.push({ record, build: (seq) => observed(seq, classifyFirstObservation(record, kind, context), baselineChanges(record)) });
      continue;
    }
    const changes = diffRecords(canonicalRecord(before), record);
    if (changes.length === 0) continue; // identical in every field, whatever the bytes
    changed.push({ record, build: (seq) => observed(seq, classifyChange(before, record, changes, context), changes) });
  }

  const verdict: Verdict = changed.length > 0 ? 'changed' : 'unchanged';
  const detail = missingDocuments(source, baselines, extraction.records);
  const fetch = extraction.fetch;
  const observations = changed.map((c) => ({ record: c.record, observation: c.build(0) }));
  deps.store.recordCheck({
    runId, sourceId: source.id, checkedAt, verdict, detail, url: source.url, httpStatus: fetch.status, sha256: fetch.sha256,
    fetchedAt: fetch.fetchedAt, baselines: changed.map((c) => c.record),
    observations: (seqOf, checkId) => [
      ...observations.map(({ record, observation }) => ({ ...observation, seq: seqOf(record.key) })),
      ...recovery(source, state, checkedAt, licence, extraction.provenance, checkId),
    ],
    state: healthy(source, watcher, state, checkedAt, changed.length > 0, detail, { etag: fetch.etag ?? null, lastModified: fetch.lastModified ?? null }),
  });
  return { sourceId: source.id, verdict, detail, summaries: observations.map((o) => o.observation.classification.summary) };
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

async function fetchAndExtract(source: SourceConfig, watcher: AnyWatcher, state: SourceStateRow | undefined, runId: number, deps: CheckDeps): Promise<Extraction> {
  const spoolTo = watcher.kind === 'stream' ? join(deps.spoolDir, `${source.id}-${runId}.download`) : undefined;
  try {
    // A new watcher version must read the body again even if the server's copy did not change.
    const sameReader = state?.watcherVersion === watcher.version;
    const fetched = await deps.fetcher.get(source.url, {
      maxBytes: watcher.maxResponseBytes,
      ...(sameReader && state?.etag ? { etag: state.etag } : {}),
      ...(sameReader && state?.lastModified ? { lastModified: state.lastModified } : {}),
      ...(spoolTo ? { spoolTo } : {}),
    });
    deps.hooks?.afterFetch?.(source.id);
    if (fetched.kind === 'unreadable') {
      return { kind: 'failed', verdict: 'unreadable', detail: fetched.reason, provenance: emptyProvenance(source, watcher, fetched.fetchedAt, fetched.status ?? 0), httpStatus: fetched.status ?? null, sha256: null, fetchedAt: fetched.fetchedAt };
    }
    if (fetched.kind === 'not-modified') return { kind: 'not-modified', fetch: fetched };
    const provenance: Provenance = {
      url: fetched.finalUrl, fetchedAt: fetched.fetchedAt, httpStatus: fetched.status, sha256: fetched.sha256,
      watcher: watcher.id, watcherVersion: watcher.version,
    };
    const outcome = await extract(watcher, fetched, source, deps);
    if (outcome.kind !== 'records') {
      return { kind: 'failed', verdict: outcome.kind, detail: `${outcome.kind === 'unreadable' ? 'fetch' : 'extract'}: ${outcome.reason}`, provenance, httpStatus: fetched.status, sha256: fetched.sha256, fetchedAt: fetched.fetchedAt };
    }
    const invalid = validate(outcome.records, source, state, deps.store);
    if (invalid !== null) {
      return { kind: 'failed', verdict: 'extraction-failed', detail: `validate: ${invalid}`, provenance, httpStatus: fetched.status, sha256: fetched.sha256, fetchedAt: fetched.fetchedAt };
    }
    return { kind: 'records', records: outcome.records.map(canonicalRecord), provenance, fetch: fetched };
  } finally {
    if (spoolTo) await rm(spoolTo, { force: true });
  }
}

async function extract(watcher: AnyWatcher, fetched: Extract<FetchResult, { kind: 'ok' }>, source: SourceConfig, deps: CheckDeps): Promise<ExtractOutcome> {
  try {
    if (watcher.kind === 'page') return watcher.extract((fetched.body ?? Buffer.alloc(0)).toString('utf8'), { url: fetched.finalUrl });
    if (fetched.bodyFile === undefined) return { kind: 'extraction-failed', reason: 'the dump was not spooled to a file' };
    return await watcher.extractFile(fetched.bodyFile, {
      committees: source.committees ?? [],
      documents: source.documents ?? [],
      knownKeys: new Set(deps.store.baselines(source.id).keys()),
    });
  } catch (error) {
    return { kind: 'extraction-failed', reason: `${watcher.id} threw: ${(error as Error).message}` };
  }
}

/** Validate at the boundary: every record before it is diffed or stored. Null when all is well. */
function validate(records: DocumentRecord[], source: SourceConfig, state: SourceStateRow | undefined, store: Store): string | null {
  if (records.length === 0) return 'no document found in the page';
  for (const record of records) {
    const parsed = recordSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return `${record.key ?? '?'}: ${issue.path.join('.')}: ${issue.message}`;
    }
    if (!isValidStage(record.stage)) return `${record.key}: stage ${record.stage} is not a harmonized stage code`;
  }
  if (source.watcher === 'iso-page' && state?.baselined) {
    const known = [...store.baselines(source.id).keys()];
    const key = records[0]!.key;
    if (known.length > 0 && !known.includes(key)) return `the page now describes ${key}, not ${known.join(', ')}`;
  }
  return null;
}

function classifyContext(source: SourceConfig, record: DocumentRecord, deps: CheckDeps): ClassifyContext {
  const family = familyOf(record, deps.watchedReferences);
  const requirementsIds = new Set((source.requirementsDocuments ?? []).map((id) => `iso:${id}`));
  const requirements = source.requirements || requirementsIds.has(record.key) || (family !== null && requirementsIds.has(family.parent));
  return { requirements, watchedKeys: deps.watchedKeys, family };
}

function emptyProvenance(source: SourceConfig, watcher: AnyWatcher, fetchedAt: string, status: number): Provenance {
  return {
    url: source.url, fetchedAt, httpStatus: status, sha256: createHash('sha256').update('').digest('hex'),
    watcher: watcher.id, watcherVersion: watcher.version,
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

function recordFailure(
  source: SourceConfig, runId: number, state: SourceStateRow | undefined,
  failure: Extract<Extraction, { kind: 'failed' }>, checkedAt: string, licence: Licence, deps: CheckDeps,
): CheckOutcome {
  const failures = (state?.consecutiveFailures ?? 0) + 1;
  const becomesDegraded = !(state?.degraded ?? false) && failures >= deps.degradedAfter;
  deps.store.recordCheck({
    runId, sourceId: source.id, checkedAt, verdict: failure.verdict, detail: failure.detail, url: source.url,
    httpStatus: failure.httpStatus, sha256: failure.sha256, fetchedAt: failure.fetchedAt, baselines: [],
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

function recovery(source: SourceConfig, state: SourceStateRow | undefined, checkedAt: string, licence: Licence, provenance: Provenance, checkId: number): Observation[] {
  if (!state?.degraded) return [];
  return [sourceHealthObservation(source, 'recovered', state.consecutiveFailures, null, checkedAt, provenance, licence, checkId)];
}

function healthy(
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
