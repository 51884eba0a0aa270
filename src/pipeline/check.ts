import type { FieldChange } from '../model/item.js';
import type { Observation } from '../model/observation.js';
import { canonicalRecord, keepKnownRelations, type DocumentRecord } from '../model/record.js';
import type { RuleContext } from '../model/rule.js';
import type { Verdict } from '../model/source-report.js';
import type { CheckWrite } from '../store/store.js';
import { classifyChange, classifyFirstObservation, type Classification } from '../rules/classify.js';
import { baselineChanges, diffRecords } from '../rules/diff.js';
import { familyOf } from '../rules/family.js';
import { acquire, emptyProvenance, type Acquired } from './acquire.js';
import { CheckAbortedError } from './budget.js';
import type { CheckContext, CheckOutcome, SourceMemory } from './context.js';
import { healthObservation, nextHealth } from './health.js';
import type { WatchedSource } from './sources.js';
import { cameIntoScope, newlyWatched, serializeScope } from './watch-scope.js';

// One check of one source, top to bottom:
//   fetch → extract → validate (acquire.ts) → diff against the baseline → classify → one store write.
// Fetch and the write are the only I/O; a failure anywhere ends in a verdict, never in a change.

interface Change {
  record: DocumentRecord;
  /** Null for a quiet change: the baseline moves, nothing is published (watchers/kind.ts unclassifiedChanges). */
  observation: Observation | null;
}

export async function checkSource(source: WatchedSource, context: CheckContext): Promise<CheckOutcome> {
  const state = context.store.sourceState(source.id); // first: its revision guards the baselines read next
  const memory: SourceMemory = {
    state,
    baselines: context.store.baselines(source.id),
    storedKeys: context.store.documentKeys(source.id),
    lastClean: context.store.lastCleanCheck(source.id),
  };
  const scope = context.watch.scopes.get(source.id) ?? { keys: [], groups: [] };
  const acquired = await acquire(source, memory, scope, context);
  if (context.signal?.aborted) throw new CheckAbortedError(source.id);
  const checkedAt = context.now().toISOString();

  const changes = acquired.kind === 'records' ? findChanges(source, acquired, memory, context, checkedAt) : [];
  const news = changes.flatMap((c) => (c.observation === null ? [] : [{ record: c.record, observation: c.observation }]));
  const verdict = verdictOf(acquired, news.length);
  const detail = detailOf(acquired, scope.keys, memory);
  // A 304 says nothing new about what is missing: the last clean check's words stand.
  const healthDetail = acquired.kind === 'not-modified' ? (state?.lastDetail ?? null) : detail;
  const { health, transition } = nextHealth(state, { verdict, detail: healthDetail, checkedAt }, context.degradedAfter);
  const clean = acquired.kind !== 'failed';

  const write: CheckWrite = {
    runId: context.runId,
    sourceId: source.id,
    checkedAt,
    verdict,
    detail,
    code: acquired.kind === 'failed' ? acquired.code : null,
    url: source.url,
    httpStatus: acquired.kind === 'failed' ? acquired.httpStatus : 'fetch' in acquired ? acquired.fetch.status : 304,
    sha256: acquired.kind === 'failed' ? acquired.sha256 : 'fetch' in acquired ? acquired.fetch.sha256 : null,
    fetchedAt: 'fetch' in acquired ? acquired.fetch.fetchedAt : acquired.fetchedAt,
    readRevision: state?.revision ?? 0,
    baselines: changes.map((c) => c.record),
    // seq (the document's n-th change, part of the item id) is known only inside the transaction
    observations: (seqOf, checkId) => [
      ...news.map(({ record, observation }) => ({ ...observation, seq: seqOf(record.key) })),
      ...(transition === null ? [] : [healthObservation(source, transition, checkedAt, acquired.provenance, checkId)]),
    ],
    state: {
      ...health,
      lastCode: acquired.kind === 'failed' ? acquired.code : null,
      etag: 'fetch' in acquired ? (acquired.fetch.etag ?? null) : (state?.etag ?? null),
      lastModified: 'fetch' in acquired ? (acquired.fetch.lastModified ?? null) : (state?.lastModified ?? null),
      baselined: clean || (state?.baselined ?? false),
      scope: clean ? serializeScope(scope) : (state?.scope ?? null),
      watcherVersion: clean ? source.kind.version : (state?.watcherVersion ?? null),
    },
  };
  context.store.recordCheck(write);
  return { sourceId: source.id, verdict, detail, summaries: news.map((c) => c.observation.classification.summary) };
}

function detailOf(acquired: Acquired, followed: readonly string[], memory: SourceMemory): string | null {
  switch (acquired.kind) {
    case 'failed':
    case 'known':
      return acquired.detail;
    case 'records':
      return missingDocuments(followed, memory, acquired.records);
    case 'not-modified':
      return 'not modified (304)';
  }
}

function verdictOf(acquired: Acquired, news: number): Verdict {
  if (acquired.kind === 'failed') return acquired.verdict;
  return news > 0 ? 'changed' : 'unchanged';
}

/** Every document whose record is new or differs from its baseline, classified. */
function findChanges(
  source: WatchedSource,
  acquired: Extract<Acquired, { kind: 'records' }>,
  memory: SourceMemory,
  context: CheckContext,
  checkedAt: string,
): Change[] {
  const firstCheck = !(memory.state?.baselined ?? false);
  const scope = context.watch.scopes.get(source.id) ?? { keys: [], groups: [] };
  const newly = newlyWatched(scope, memory.state?.scope ?? null);
  // Documents stored before whose record today's schema refuses (a rule grew stricter): seen again, a baseline.
  const refused = new Set([...memory.storedKeys].filter((key) => !memory.baselines.has(key)));
  const inGroup = source.kind.inGroup ?? ((record: DocumentRecord, group: string) => record.committee === group);
  const quiet = source.kind.unclassifiedChanges ?? 'record-corrected';
  const changes: Change[] = [];
  for (const extracted of acquired.records) {
    const before = memory.baselines.get(extracted.key);
    const record = canonicalRecord(keepKnownRelations(extracted, before));
    const rules = ruleContext(source, record, context);
    const observed = (classification: Classification | null, fieldChanges: FieldChange[]): Change => ({
      record,
      observation:
        classification === null
          ? null
          : {
              sourceId: source.id,
              docKey: source.config.sameAs ?? record.key,
              seq: 0,
              documentUrl: source.kind.documentUrl(record.key, source.spec),
              reference: record.reference,
              stage: record.stage ?? null,
              phase: record.phase,
              observedAt: checkedAt,
              classification,
              changes: fieldChanges,
              provenance: acquired.provenance,
              licence: source.licence,
            },
    });
    if (before === undefined) {
      // A document the source already followed at its last check and lists for the first time is
      // news where the kind says what "not listed yet" looks like (a NIST draft released); one the
      // user has just added to the watch is a first observation, whatever it holds.
      const followedBefore = newly.known && scope.keys.includes(record.key) && !newly.keys.has(record.key);
      const placeholder = !firstCheck && followedBefore && !refused.has(record.key) ? source.kind.placeholder?.(record.key) : undefined;
      if (placeholder !== undefined) {
        const fieldChanges = diffRecords(canonicalRecord(placeholder), record);
        changes.push(observed(classifyChange(placeholder, record, fieldChanges, rules, source.kind.rules, quiet), fieldChanges));
        continue;
      }
      const kind = firstCheck || refused.has(record.key) || cameIntoScope(record, newly, acquired.records, inGroup) ? 'baseline' : 'new-project';
      changes.push(observed(classifyFirstObservation(record, kind, rules, source.kind.describe), baselineChanges(record)));
      continue;
    }
    const fieldChanges = diffRecords(canonicalRecord(before), record);
    if (fieldChanges.length === 0) continue; // identical in every field, whatever the bytes
    changes.push(observed(classifyChange(before, record, fieldChanges, rules, source.kind.rules, quiet), fieldChanges));
  }
  return changes;
}

/**
 * Documents the source should have and does not: source health, never a withdrawal (only a
 * validated record says "withdrawn"). Their baselines are kept.
 */
function missingDocuments(followed: readonly string[], memory: SourceMemory, records: readonly DocumentRecord[]): string | null {
  const present = new Set(records.map((r) => r.key));
  const expected = new Set([...memory.baselines.keys(), ...followed]);
  const missing = [...expected].filter((key) => !present.has(key)).sort();
  if (missing.length === 0) return null;
  const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
  return `not in the source: ${shown}`;
}

function ruleContext(source: WatchedSource, record: DocumentRecord, context: CheckContext): RuleContext {
  const family = familyOf(record, context.watch.references);
  const own = new Set(source.kind.requirementsKeys?.(source.spec) ?? []);
  const requirements = source.config.requirements || own.has(record.key) || (family !== null && own.has(family.parent));
  return {
    requirements,
    watchedKeys: context.watch.keys,
    requirementsKeys: context.watch.requirementsKeys,
    requirementsReferences: context.watch.requirementsReferences,
    family,
  };
}

/**
 * A check that failed inside regwatch (a bug in a kind, a storage error) is recorded as `internal`
 * and still counts against the source's health, so a source that keeps failing is shown degraded.
 * Best effort: the store may be the cause, and then nothing more can be recorded.
 */
export function recordInternalFailure(source: WatchedSource, error: unknown, context: CheckContext): CheckOutcome {
  const detail = `internal: ${(error as Error).message}`.slice(0, 1000);
  const code = codeOf(error) ?? 'INTERNAL';
  const outcome: CheckOutcome = { sourceId: source.id, verdict: 'internal', detail, summaries: [] };
  try {
    const state = context.store.sourceState(source.id);
    const checkedAt = context.now().toISOString();
    const { health, transition } = nextHealth(state, { verdict: 'internal', detail, checkedAt }, context.degradedAfter);
    context.store.recordCheck({
      runId: context.runId,
      sourceId: source.id,
      checkedAt,
      verdict: 'internal',
      detail,
      code,
      url: source.url,
      httpStatus: null,
      sha256: null,
      fetchedAt: null,
      readRevision: state?.revision ?? 0,
      baselines: [],
      observations: (_seq, checkId) =>
        transition === null ? [] : [healthObservation(source, transition, checkedAt, emptyProvenance(source, checkedAt, 0), checkId)],
      state: {
        ...health,
        lastCode: code,
        etag: state?.etag ?? null,
        lastModified: state?.lastModified ?? null,
        baselined: state?.baselined ?? false,
        scope: state?.scope ?? null,
        watcherVersion: state?.watcherVersion ?? null,
      },
    });
  } catch {
    // the store itself is failing: the outcome still reaches the caller and the exit code
  }
  return outcome;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
