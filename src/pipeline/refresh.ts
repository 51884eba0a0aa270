import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import type { Fetcher } from '../fetch/fetcher.js';
import type { Store } from '../store/store.js';
import { checkSource, recordInternalFailure } from './check.js';
import { abortReason, CheckAbortedError } from './budget.js';
import { itemComposer } from './compose.js';
import { joinsNewestItem } from './join-rule.js';
import { publishFromStore, type FeedSite } from '../publish/from-store.js';
import { cleanUpInterruptedRuns } from './cleanup.js';
import { OperatorError } from '../model/operator-error.js';
import { RegwatchError } from '../model/errors.js';
import { databaseProblem } from '../store/database-problem.js';
import type { CheckContext, CheckOutcome, RefreshHooks } from './context.js';
import { watchedSource, type WatchedSource } from './sources.js';
import { runWatch } from './watch.js';
import { BaselineMovedError } from '../store/baseline-moved-error.js';
import { outboxFor } from '../notify/outbox-plan.js';
import type { Notifier, NotifyReport } from '../notify/notifier.js';

export type { CheckOutcome, RefreshHooks } from './context.js';

// The whole refresh, top to bottom. The CLI, the scheduler, the HTTP endpoint and the tests all call
// this one function (the CLI and the server holding the run lock):
//   first: remove what a killed refresh left, close its run                (cleanup.ts)
//   work out what the run watches: followed documents, scopes, requirements (watch.ts)
//   for each source: fetch → extract → validate → diff → classify → store   (check.ts)
//   then: compose items (one per document per run; join-rule.ts: or join the same change
//         another source reported before), queueing their notifications in the same transaction
//         → publish the feeds from the store → tell the WebSub hub, send what is due (notify/)

export interface RefreshDeps {
  config: Config;
  store: Store;
  fetcher: Fetcher;
  now: () => Date;
  dataDir: string;
  site: FeedSite;
  /** Progress lines for a person watching (stderr in the CLI). */
  progress?: (line: string) => void;
  /** Sends notifications after publish; without one they stay queued (the outbox is filled whatever). */
  notifier?: Notifier;
  /** Fault-injection points for the crash-safety tests; absent in production. */
  hooks?: RefreshHooks;
}

export interface RefreshOptions {
  trigger: 'cli' | 'schedule' | 'http' | 'test';
  /** Check only these source ids (all when absent). */
  only?: string[];
  /** Aborting stops the refresh: no new check starts, running fetches are dropped, nothing is published. */
  signal?: AbortSignal;
}

export interface RefreshResult {
  runId: number;
  outcomes: CheckOutcome[];
  itemsCreated: number;
  published: { written: string[]; unchanged: string[] };
  /** Items composing refused (a bug: an item regwatch made fails its own schema), kept pending and named. */
  refused: string[];
  /** What the notification step did (absent without a notifier). */
  notified?: NotifyReport;
}

/** Hosts checked side by side at most. */
const HOST_CONCURRENCY = 32;

export async function refresh(deps: RefreshDeps, options: RefreshOptions): Promise<RefreshResult> {
  const all = deps.config.sources.map(watchedSource);
  const sources = selectSources(all, options.only);
  await cleanUpInterruptedRuns(deps);
  const spoolDir = join(deps.dataDir, 'tmp');
  mkdirSync(spoolDir, { recursive: true });
  const runId = deps.store.beginRun(options.trigger, deps.now().toISOString());
  try {
    const context: CheckContext = {
      runId,
      store: deps.store,
      fetcher: deps.fetcher,
      now: deps.now,
      spoolDir,
      watch: runWatch(all, (id) => deps.store.baselines(id)),
      degradedAfter: deps.config.degradedAfter,
      sourceBudgetMs: deps.config.sourceBudgetSeconds * 1000,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(deps.hooks ? { hooks: deps.hooks } : {}),
    };
    const outcomes = await checkAll(sources, deps, context);
    if (options.signal?.aborted) {
      // Checks already stored stay stored; their observations are composed by the next refresh.
      const checked = outcomes.filter((o) => o !== undefined).length;
      throw new RefreshAbortedError(abortReason(options.signal), checked, sources.length);
    }
    const sourceOrder = new Map(deps.config.sources.map((s, i) => [s.id, i]));
    const {
      created: itemsCreated,
      createdItems,
      refused,
    } = deps.store.composeItems(itemComposer(sourceOrder), joinsNewestItem, outboxFor(deps.config.notify, deps.now()));
    for (const reason of refused) deps.progress?.(`compose: item refused, kept pending: ${reason}`);
    deps.hooks?.afterCompose?.();
    const published = await publishFromStore(deps.store, deps.config, join(deps.dataDir, 'public'), deps.site, deps.hooks?.afterPublishFile);
    const notified = await deps.notifier?.afterPublish(published, createdItems, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(deps.hooks?.afterSend ? { afterSend: deps.hooks.afterSend } : {}),
    });
    const failed = outcomes.filter((o) => !CHECKED.has(o.verdict)).length;
    deps.store.finishRun(runId, deps.now().toISOString(), failed === 0 ? 'ok' : `${failed} source(s) not checked`);
    return { runId, outcomes, itemsCreated, published, refused, ...(notified ? { notified } : {}) };
  } catch (error) {
    // What was committed stays committed (checks, items); the next refresh publishes it.
    const outcome =
      error instanceof RefreshAbortedError
        ? `aborted (${error.reason}): ${error.checked} of ${error.total} sources checked`
        : `failed: ${(error as Error).message}`;
    try {
      deps.store.finishRun(runId, deps.now().toISOString(), outcome.slice(0, 500));
    } catch {
      // the store is the cause (damaged, gone): the next refresh closes this run as interrupted
    }
    throw error;
  }
}

const CHECKED = new Set(['changed', 'unchanged']);

/** The refresh's signal was aborted: it stopped between checks and published nothing. */
export class RefreshAbortedError extends RegwatchError<'REGWATCH_REFRESH_ABORTED'> {
  constructor(
    readonly reason: string,
    readonly checked: number,
    readonly total: number,
  ) {
    super(
      'REGWATCH_REFRESH_ABORTED',
      `refresh: aborted (${reason}): ${checked} of ${total} sources checked; they are stored, the rest are checked next time, and nothing was published`,
    );
  }
}

/**
 * One queue per host, hosts side by side: the fetcher spaces requests to one host, so sources of
 * one host are checked in turn while other hosts proceed (the floor politeness allows).
 */
async function checkAll(sources: WatchedSource[], deps: RefreshDeps, context: CheckContext): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = new Array(sources.length);
  const queues = [...groupByHost(sources).values()];
  let nextQueue = 0;
  let done = 0;
  // A damaged database is no source's failure: the run stops (checks under way finish) and says so.
  let damaged: OperatorError | null = null;
  const stopped = () => damaged !== null || (context.signal?.aborted ?? false);
  const worker = async (): Promise<void> => {
    while (nextQueue < queues.length && !stopped()) {
      for (const index of queues[nextQueue++]!) {
        if (stopped()) return;
        const source = sources[index]!;
        deps.progress?.(`checking ${source.id} (${source.url})`);
        const outcome = await checkSource(source, context).catch((error: unknown): CheckOutcome | undefined => {
          if (error instanceof CheckAbortedError) return undefined;
          damaged ??= databaseProblem(error, deps.store.path);
          if (damaged !== null) return { sourceId: source.id, verdict: 'internal', detail: damaged.message, summaries: [] };
          // A bug or a storage error in one source's check must not stop the others; nothing of
          // the check itself was committed, so the next refresh checks it again.
          deps.progress?.(`${source.id}: internal error: ${(error as Error).stack ?? String(error)}`);
          // Another refresh stored a check of this source meanwhile: that one stands and this one is
          // dropped. Nothing is recorded against the source, but the run reports it as not checked.
          if (error instanceof BaselineMovedError) return { sourceId: source.id, verdict: 'internal', detail: `internal: ${error.message}`, summaries: [] };
          return recordInternalFailure(source, error, context);
        });
        if (outcome === undefined) {
          deps.progress?.(`${source.id}: not checked: the refresh was aborted`);
          return;
        }
        outcomes[index] = outcome;
        done += 1;
        deps.progress?.(`[${done}/${sources.length}] ${source.id}: ${outcome.verdict}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(HOST_CONCURRENCY, queues.length) }, worker));
  if (damaged !== null) throw damaged;
  return outcomes;
}

/** Source indexes by URL host, in config order. */
function groupByHost(sources: WatchedSource[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  sources.forEach((source, index) => {
    const host = new URL(source.url).host;
    groups.set(host, [...(groups.get(host) ?? []), index]);
  });
  return groups;
}

/** `--source` naming a source the config does not have: a usage error, raised before anything is fetched. */
export class UnknownSourceError extends OperatorError {
  constructor(message: string) {
    super('REGWATCH_UNKNOWN_SOURCE', message);
  }
}

function selectSources(all: WatchedSource[], only: string[] | undefined): WatchedSource[] {
  if (only === undefined || only.length === 0) return all;
  refuseUnknownSources(all, only);
  return all.filter((s) => only.includes(s.id));
}

/** Throws UnknownSourceError naming each `--source` id that no configured source has. */
export function refuseUnknownSources(configured: ReadonlyArray<{ id: string }>, only: readonly string[] | undefined): void {
  const unknown = (only ?? []).filter((id) => !configured.some((s) => s.id === id));
  if (unknown.length > 0) {
    throw new UnknownSourceError(`refresh: --source ${unknown.join(', ')}: no such source (sources: ${configured.map((s) => s.id).join(', ')})`);
  }
}
