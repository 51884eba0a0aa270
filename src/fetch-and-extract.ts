import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceConfig } from './config.js';
import type { FetchResult } from './fetcher.js';
import type { SourceStateRow } from './store/store.js';
import type { Provenance } from './item.js';
import type { ExtractOutcome } from '../watchers/watcher.js';
import type { AnyWatcher } from '../watchers/index.js';
import { recordSchema, type DocumentRecord } from './record.js';
import { isValidStage } from './stages.js';
import type { CheckDeps } from './check-source.js';
import { ABORTED, startCheckBudget } from './check-budget.js';

// The two steps of a check that touch the outside: fetch the source (politely, conditionally) and
// let its watcher extract records, then validate them at the boundary. Every failure on the way
// is a verdict (`unreadable`, `extraction-failed`), never an exception and never a change.

export type Extraction =
  | { kind: 'records'; records: DocumentRecord[]; provenance: Provenance; fetch: Extract<FetchResult, { kind: 'ok' }> }
  | { kind: 'not-modified'; fetch: Extract<FetchResult, { kind: 'not-modified' }> }
  | { kind: 'failed'; verdict: 'unreadable' | 'extraction-failed'; detail: string; provenance: Provenance; httpStatus: number | null; sha256: string | null; fetchedAt: string };

/** `knownKeys`: the documents this source reported before (its baselines), read once per check. */
export async function fetchAndExtract(
  source: SourceConfig, watcher: AnyWatcher, state: SourceStateRow | undefined, knownKeys: ReadonlySet<string>, runId: number, deps: CheckDeps,
): Promise<Extraction> {
  const spoolTo = watcher.kind === 'stream' ? join(deps.spoolDir, spoolFileName(source.id, runId)) : undefined;
  const budget = startCheckBudget(deps.sourceBudgetMs, deps.signal);
  try {
    // A new watcher version must read the body again even if the server's copy did not change.
    const sameReader = state?.watcherVersion === watcher.version;
    const fetched = await budget.race(deps.fetcher.get(source.url, {
      maxBytes: watcher.maxResponseBytes,
      ...(sameReader && state?.etag ? { etag: state.etag } : {}),
      ...(sameReader && state?.lastModified ? { lastModified: state.lastModified } : {}),
      ...(spoolTo ? { spoolTo } : {}),
      signal: budget.signal,
    }));
    const cause = budget.cause();
    if (fetched === ABORTED || cause !== null) {
      const fetchedAt = deps.now().toISOString();
      const detail = cause === 'budget'
        ? `fetch: GET ${source.url}: gave up when the source's time budget of ${budget.budgetMs / 1000} s ran out (sourceBudgetSeconds)`
        : `fetch: GET ${source.url}: the refresh was aborted`;
      return { kind: 'failed', verdict: 'unreadable', detail, provenance: emptyProvenance(source, watcher, fetchedAt, 0), httpStatus: null, sha256: null, fetchedAt };
    }
    deps.hooks?.afterFetch?.(source.id);
    if (fetched.kind === 'unreadable') {
      return { kind: 'failed', verdict: 'unreadable', detail: fetched.reason, provenance: emptyProvenance(source, watcher, fetched.fetchedAt, fetched.status ?? 0), httpStatus: fetched.status ?? null, sha256: null, fetchedAt: fetched.fetchedAt };
    }
    if (fetched.kind === 'not-modified') return { kind: 'not-modified', fetch: fetched };
    const provenance: Provenance = {
      url: fetched.finalUrl, fetchedAt: fetched.fetchedAt, httpStatus: fetched.status, sha256: fetched.sha256,
      watcher: watcher.id, watcherVersion: watcher.version,
    };
    const outcome = await extract(watcher, fetched, source, knownKeys);
    if (outcome.kind !== 'records') {
      return { kind: 'failed', verdict: outcome.kind, detail: `${outcome.kind === 'unreadable' ? 'fetch' : 'extract'}: ${outcome.reason}`, provenance, httpStatus: fetched.status, sha256: fetched.sha256, fetchedAt: fetched.fetchedAt };
    }
    const invalid = validate(outcome.records, source, state, knownKeys);
    if (invalid !== null) {
      return { kind: 'failed', verdict: 'extraction-failed', detail: `validate: ${invalid}`, provenance, httpStatus: fetched.status, sha256: fetched.sha256, fetchedAt: fetched.fetchedAt };
    }
    return { kind: 'records', records: outcome.records, provenance, fetch: fetched };
  } finally {
    budget.end();
    if (spoolTo) await rm(spoolTo, { force: true });
  }
}

const SPOOL_SUFFIX = '.download';

function spoolFileName(sourceId: string, runId: number): string {
  return `${sourceId}-${runId}${SPOOL_SUFFIX}`;
}

/** A dump spooled by fetchAndExtract, left in place only by a process killed while reading it. */
export function isSpoolFile(name: string): boolean {
  return name.endsWith(SPOOL_SUFFIX);
}

async function extract(watcher: AnyWatcher, fetched: Extract<FetchResult, { kind: 'ok' }>, source: SourceConfig, knownKeys: ReadonlySet<string>): Promise<ExtractOutcome> {
  try {
    if (watcher.kind === 'page') return watcher.extract((fetched.body ?? Buffer.alloc(0)).toString('utf8'), { url: fetched.finalUrl });
    if (fetched.bodyFile === undefined) return { kind: 'extraction-failed', reason: 'the dump was not spooled to a file' };
    return await watcher.extractFile(fetched.bodyFile, {
      committees: source.committees ?? [],
      documents: source.documents ?? [],
      knownKeys,
    });
  } catch (error) {
    return { kind: 'extraction-failed', reason: `${watcher.id} threw: ${(error as Error).message}` };
  }
}

/** Validate at the boundary: every record before it is diffed or stored. Null when all is well. */
function validate(records: DocumentRecord[], source: SourceConfig, state: SourceStateRow | undefined, knownKeys: ReadonlySet<string>): string | null {
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
    const key = records[0]!.key;
    if (knownKeys.size > 0 && !knownKeys.has(key)) return `the page now describes ${key}, not ${[...knownKeys].join(', ')}`;
  }
  return null;
}

export function emptyProvenance(source: SourceConfig, watcher: AnyWatcher, fetchedAt: string, status: number): Provenance {
  return {
    url: source.url, fetchedAt, httpStatus: status, sha256: createHash('sha256').update('').digest('hex'),
    watcher: watcher.id, watcherVersion: watcher.version,
  };
}
