import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FetchResult } from '../fetch/fetcher.js';
import type { Provenance } from '../model/item.js';
import { recordSchema, type DocumentRecord } from '../model/record.js';
import { isValidStage } from '../rules/harmonized-stages.js';
import { undatedReference } from '../rules/family.js';
import type { ExtractOutcome, WatchScope } from '../../watchers/kind.js';
import { ABORTED, startCheckBudget } from './budget.js';
import type { CheckContext, SourceMemory } from './context.js';
import { serializeScope } from './watch-scope.js';
import { knownUnchanged } from './known-body.js';
import type { WatchedSource } from './sources.js';

// The steps of a check that touch the outside: fetch the source (politely, conditionally, within its
// time budget), let its kind extract records, and validate them at the boundary. Every failure on
// the way is a verdict (`unreadable`, `extraction-failed`), never a change. A kind that throws is a
// bug: the error goes up and the check ends `internal`. A body the last clean check read already
// is not extracted again (known-body.ts).

type Fetched = Extract<FetchResult, { kind: 'ok' }>;

export type Acquired =
  | { kind: 'records'; records: DocumentRecord[]; provenance: Provenance; fetch: Fetched }
  /** The body the last clean check read, read the same way: unchanged, with that check's detail. */
  | { kind: 'known'; detail: string | null; provenance: Provenance; fetch: Fetched }
  | { kind: 'not-modified'; provenance: Provenance; fetchedAt: string }
  | {
      kind: 'failed';
      verdict: 'unreadable' | 'extraction-failed';
      code: string;
      detail: string;
      provenance: Provenance;
      httpStatus: number | null;
      sha256: string | null;
      fetchedAt: string;
    };

export async function acquire(source: WatchedSource, memory: SourceMemory, scope: WatchScope, context: CheckContext): Promise<Acquired> {
  const { kind } = source;
  const spoolTo = kind.input === 'file' ? join(context.spoolDir, spoolFileName(source.id, context.runId)) : undefined;
  const budget = startCheckBudget(context.sourceBudgetMs, context.signal);
  try {
    // A 304 says the body is the one the last clean check read: it answers only when that check was
    // read the same way (the same kind version, the same watch scope: a newly followed document or
    // committee must be read from the body even if the server's copy did not change).
    const sameReader = memory.state?.watcherVersion === kind.version && memory.state?.scope === serializeScope(scope);
    const fetched = await budget.race(
      context.fetcher.get(source.url, {
        maxBytes: kind.maxResponseBytes,
        ...(sameReader && memory.state?.etag ? { etag: memory.state.etag } : {}),
        ...(sameReader && memory.state?.lastModified ? { lastModified: memory.state.lastModified } : {}),
        ...(spoolTo ? { spoolTo } : {}),
        signal: budget.signal,
      }),
    );
    const cause = budget.cause();
    if (fetched === ABORTED || cause !== null) {
      const fetchedAt = context.now().toISOString();
      const detail =
        cause === 'budget'
          ? `fetch: GET ${source.url}: gave up when the source's time budget of ${budget.budgetMs / 1000} s ran out (sourceBudgetSeconds)`
          : `fetch: GET ${source.url}: the refresh was aborted`;
      const code = cause === 'budget' ? 'CHECK_BUDGET' : 'REFRESH_ABORTED';
      return {
        kind: 'failed',
        verdict: 'unreadable',
        code,
        detail,
        provenance: emptyProvenance(source, fetchedAt, 0),
        httpStatus: null,
        sha256: null,
        fetchedAt,
      };
    }
    context.hooks?.afterFetch?.(source.id);
    if (fetched.kind === 'unreadable') {
      return {
        kind: 'failed',
        verdict: 'unreadable',
        code: fetched.code,
        detail: fetched.reason,
        provenance: emptyProvenance(source, fetched.fetchedAt, fetched.status ?? 0),
        httpStatus: fetched.status ?? null,
        sha256: null,
        fetchedAt: fetched.fetchedAt,
      };
    }
    if (fetched.kind === 'not-modified')
      return { kind: 'not-modified', provenance: emptyProvenance(source, fetched.fetchedAt, 304), fetchedAt: fetched.fetchedAt };
    const provenance: Provenance = {
      url: fetched.finalUrl,
      fetchedAt: fetched.fetchedAt,
      httpStatus: fetched.status,
      sha256: fetched.sha256,
      watcher: kind.id,
      watcherVersion: kind.version,
    };
    const failed = (verdict: 'unreadable' | 'extraction-failed', code: string, detail: string): Acquired => ({
      kind: 'failed',
      verdict,
      code,
      detail,
      provenance,
      httpStatus: fetched.status,
      sha256: fetched.sha256,
      fetchedAt: fetched.fetchedAt,
    });
    const known = knownUnchanged(source, fetched, memory, scope);
    if (known !== undefined) return { kind: 'known', detail: known.detail, provenance, fetch: fetched };
    const outcome = await extract(source, fetched, scope, memory);
    if (outcome.kind === 'unreadable') return failed('unreadable', 'EXTRACT_NOT_THE_PAGE', `extract: ${outcome.reason}`);
    if (outcome.kind === 'extraction-failed') return failed('extraction-failed', 'EXTRACT_FAILED', `extract: ${outcome.reason}`);
    const invalid = validate(source, outcome.records, memory, scope) ?? sameDocument(source, outcome.records, context);
    if (invalid !== null) return failed('extraction-failed', 'VALIDATE_FAILED', `validate: ${invalid}`);
    return { kind: 'records', records: outcome.records, provenance, fetch: fetched };
  } finally {
    budget.end();
    if (spoolTo) await rm(spoolTo, { force: true });
  }
}

function extract(source: WatchedSource, fetched: Fetched, scope: WatchScope, memory: SourceMemory): Promise<ExtractOutcome> {
  const context = { url: fetched.finalUrl, options: source.spec.options, scope, knownKeys: new Set(memory.baselines.keys()) };
  if (source.kind.input === 'text') return source.kind.extract((fetched.body ?? Buffer.alloc(0)).toString('utf8'), context);
  if (fetched.bodyFile === undefined) return Promise.resolve({ kind: 'extraction-failed', reason: 'the download was not spooled to a file' });
  return source.kind.extract(fetched.bodyFile, context);
}

/** Validate at the boundary: every record before it is diffed or stored. Null when all is well. */
function validate(source: WatchedSource, records: DocumentRecord[], memory: SourceMemory, scope: WatchScope): string | null {
  // A catalogue that does not list a followed publication yet (a NIST draft to come) is read cleanly:
  // the missing documents are named as source health, and the first listing is news.
  const mayBeEmpty = source.kind.reports === 'catalogue' && scope.keys.length > 0;
  if (records.length === 0 && !mayBeEmpty) return 'no document found in the answer';
  for (const record of records) {
    const parsed = recordSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return `${record.key ?? '?'}: ${issue.path.join('.')}: ${issue.message}`;
    }
    if (record.stage !== undefined && !isValidStage(record.stage)) return `${record.key}: stage ${record.stage} is not a harmonized stage code`;
  }
  // A page that now describes another document is not a change of the one it described.
  if (source.kind.reports === 'one-document' && memory.state?.baselined && memory.baselines.size > 0) {
    const stranger = records.find((r) => !memory.baselines.has(r.key));
    if (stranger !== undefined) return `the page now describes ${stranger.key}, not ${[...memory.baselines.keys()].join(', ')}`;
  }
  return null;
}

/**
 * A source that says it shows another source's document (`sameAs`, a joint ISO/IEC standard on the
 * IEC webstore) must show that document: the references agree but for the year. A wrong id in a
 * config would otherwise file another standard's changes under this one.
 */
function sameDocument(source: WatchedSource, records: DocumentRecord[], context: CheckContext): string | null {
  const other = source.config.sameAs;
  const known = other === undefined ? undefined : context.watch.references.get(other);
  if (known === undefined) return null;
  const stranger = records.find((r) => designation(r.reference) !== designation(known));
  return stranger === undefined ? null : `the page shows ${stranger.reference}, not the document ${other} (${known}) its sameAs names`;
}

/** `ISO/IEC 80000-13:2008` and `IEC 80000-13:2008` name one document: the number without publisher letters or year. */
function designation(reference: string): string {
  return undatedReference(reference).replace(/^[^\d]*/, '');
}

const SPOOL_SUFFIX = '.download';

function spoolFileName(sourceId: string, runId: number): string {
  return `${sourceId}-${runId}${SPOOL_SUFFIX}`;
}

/** A download spooled by acquire, left in place only by a process killed while reading it. */
export function isSpoolFile(name: string): boolean {
  return name.endsWith(SPOOL_SUFFIX);
}

export function emptyProvenance(source: WatchedSource, fetchedAt: string, status: number): Provenance {
  return {
    url: source.url,
    fetchedAt,
    httpStatus: status,
    sha256: createHash('sha256').update('').digest('hex'),
    watcher: source.kind.id,
    watcherVersion: source.kind.version,
  };
}
