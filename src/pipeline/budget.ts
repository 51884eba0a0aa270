import { RegwatchError } from '../model/errors.js';

// One check's wall-clock budget: a signal that fires when the source's budget runs out or when the
// whole refresh is aborted, and which of the two it was. The fetcher aborts its request on the
// signal; the check also stops waiting at that moment, so a layer that misses the signal cannot
// hold the refresh (issue 8: a server dripping a byte a second resets every idle timer).

export const ABORTED = Symbol('aborted');

export type AbortCause = 'budget' | 'refresh';

export interface CheckBudget {
  readonly signal: AbortSignal;
  readonly budgetMs: number;
  /** Why the signal fired, or null while it has not. */
  cause(): AbortCause | null;
  /** Settles like `work`, or with ABORTED as soon as the signal fires. */
  race<T>(work: Promise<T>): Promise<T | typeof ABORTED>;
  /** Clears the timer and lets go of the refresh's signal; call it when the check is over. */
  end(): void;
}

export function startCheckBudget(budgetMs: number, refreshSignal?: AbortSignal): CheckBudget {
  const controller = new AbortController();
  let cause: AbortCause | null = null;
  const stop = (why: AbortCause, reason: unknown): void => {
    if (cause !== null) return;
    cause = why;
    controller.abort(reason);
  };
  const timer = setTimeout(() => stop('budget', new Error(`the source's time budget of ${budgetMs / 1000} s ran out`)), budgetMs);
  timer.unref();
  const onRefreshAbort = (): void => stop('refresh', refreshSignal?.reason);
  if (refreshSignal?.aborted) onRefreshAbort();
  else refreshSignal?.addEventListener('abort', onRefreshAbort, { once: true });

  return {
    signal: controller.signal,
    budgetMs,
    cause: () => cause,
    async race(work) {
      if (controller.signal.aborted) {
        work.catch(() => {}); // its outcome no longer matters, and must not surface as unhandled
        return ABORTED;
      }
      let onAbort = (): void => {};
      const aborted = new Promise<typeof ABORTED>((resolve) => {
        onAbort = () => resolve(ABORTED);
        controller.signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        return await Promise.race([work, aborted]);
      } finally {
        controller.signal.removeEventListener('abort', onAbort);
      }
    },
    end() {
      clearTimeout(timer);
      refreshSignal?.removeEventListener('abort', onRefreshAbort);
    },
  };
}

/**
 * The refresh was aborted while this check ran: nothing of the check is stored (it is not the
 * source's failure), and the next refresh checks the source again.
 */
export class CheckAbortedError extends RegwatchError<'REGWATCH_CHECK_ABORTED'> {
  constructor(readonly sourceId: string) {
    super('REGWATCH_CHECK_ABORTED', `check: ${sourceId}: the refresh was aborted during the check`);
  }
}

/** A readable reason from an AbortSignal's reason, whatever was passed to abort(). */
export function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.name === 'AbortError' ? 'aborted' : reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}
