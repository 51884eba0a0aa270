import { isCleanVerdict } from '../model/source-report.js';
import { LockBusyError, type RunLock } from '../store/run-lock.js';
import type { RefreshOptions, RefreshResult } from '../pipeline/refresh.js';

// One refresh at a time, whoever asks (the schedule, POST /refresh): a second request while one
// runs is refused, never queued. The run lock (a row in the database) also keeps out a `regwatch refresh` started from
// a terminal against the same data folder.

export type Trigger = Extract<RefreshOptions['trigger'], 'schedule' | 'http'>;
/** `signal` is aborted when the server abandons the refresh at shutdown. */
export type RefreshFn = (trigger: Trigger, signal: AbortSignal) => Promise<RefreshResult>;

export interface RunRecord {
  trigger: Trigger;
  startedAt: string;
  finishedAt: string | null;
  /** `running` until it ends; `sources-failed` when some source could not be checked; `abandoned` at shutdown. */
  outcome: 'running' | 'ok' | 'sources-failed' | 'failed' | 'abandoned';
  runId: number | null;
  itemsCreated: number | null;
  error: string | null;
}

export type StartResult =
  | { started: true; run: RunRecord; done: Promise<RunRecord> }
  | { started: false; reason: 'running'; run: RunRecord }
  | { started: false; reason: 'locked'; detail: string }
  | { started: false; reason: 'stopping' };

export interface RefreshRunner {
  start(trigger: Trigger): Promise<StartResult>;
  current(): RunRecord | null;
  last(): RunRecord | null;
  /** Refuses new runs from now on (shutdown). */
  stop(): void;
  /** Resolves when no refresh is running. */
  idle(): Promise<void>;
  /**
   * Shutdown without waiting any longer: the running refresh is recorded as abandoned, whoever
   * awaits it is answered, the lock is released and the refresh's signal is aborted, which drops
   * its in-flight requests. What it already stored stays (one transaction per check). Resolves
   * when the refresh itself has stopped; the store must stay open until then.
   */
  abandon(): Promise<void>;
}

export function createRefreshRunner(deps: {
  refresh: RefreshFn;
  acquireLock: () => Promise<RunLock>;
  now: () => Date;
  log?: (line: string) => void;
}): RefreshRunner {
  let current: RunRecord | null = null;
  let running: Promise<unknown> = Promise.resolve();
  let last: RunRecord | null = null;
  let stopped = false;

  let abandonCurrent: (() => void) | null = null;
  /** The refresh function's own promise: after an abandon it runs on until its signal stops it. */
  let underway: Promise<unknown> = Promise.resolve();

  async function execute(run: RunRecord, lock: RunLock): Promise<RunRecord> {
    let abandoned = false;
    const controller = new AbortController();
    const abandonedNow = new Promise<void>((resolve) => {
      abandonCurrent = () => {
        abandoned = true;
        controller.abort(new Error('the server is shutting down'));
        resolve();
      };
    });
    const settle = (fields: Partial<RunRecord>): RunRecord => {
      Object.assign(run, fields, { finishedAt: deps.now().toISOString() });
      lock.release();
      current = null;
      abandonCurrent = null;
      last = run;
      return { ...run };
    };
    const finished = Promise.resolve()
      .then(() => deps.refresh(run.trigger, controller.signal))
      .then(
        (result): Partial<RunRecord> => {
          const failed = result.outcomes.some((o) => !isCleanVerdict(o.verdict));
          return { outcome: failed ? 'sources-failed' : 'ok', runId: result.runId, itemsCreated: result.itemsCreated };
        },
        (error: unknown): Partial<RunRecord> => {
          if (!abandoned) deps.log?.(`refresh (${run.trigger}) failed: ${(error as Error).stack ?? String(error)}`);
          return { outcome: 'failed', error: (error as Error).message };
        },
      );
    underway = finished;
    const fields = await Promise.race([finished, abandonedNow.then((): Partial<RunRecord> => ({ outcome: 'abandoned' }))]);
    return settle(fields);
  }

  return {
    async start(trigger) {
      if (stopped) return { started: false, reason: 'stopping' };
      if (current !== null) return { started: false, reason: 'running', run: { ...current } };
      // Claimed before the first await, so two requests in the same tick cannot both start.
      const run: RunRecord = {
        trigger,
        startedAt: deps.now().toISOString(),
        finishedAt: null,
        outcome: 'running',
        runId: null,
        itemsCreated: null,
        error: null,
      };
      current = run;
      let lock: RunLock;
      try {
        lock = await deps.acquireLock();
      } catch (error) {
        current = null;
        if (error instanceof LockBusyError) return { started: false, reason: 'locked', detail: error.message };
        throw error;
      }
      const done = execute(run, lock);
      running = done;
      return { started: true, run: { ...run }, done };
    },
    current: () => (current === null ? null : { ...current }),
    last: () => (last === null ? null : { ...last }),
    stop() {
      stopped = true;
    },
    async idle() {
      await running;
    },
    async abandon() {
      abandonCurrent?.();
      await underway;
    },
  };
}
