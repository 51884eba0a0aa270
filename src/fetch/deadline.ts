import { FetchError } from './fetch-error.js';

// A wall-clock limit for one request, from sending it to the body's last byte. undici's
// bodyTimeout is an idle timer: a body dripping one byte a second never trips it.

export interface Deadline {
  /** Aborts at the deadline (reason: a FETCH_TIMEOUT FetchError) or when the caller's signal does. */
  signal: AbortSignal;
  clear(): void;
}

export function startDeadline(ms: number, url: string, callerSignal?: AbortSignal): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new FetchError('FETCH_TIMEOUT', `GET ${url} did not finish within its total deadline of ${formatSeconds(ms)}`, undefined, { retryable: false }),
    );
  }, ms);
  return {
    signal: callerSignal === undefined ? controller.signal : AbortSignal.any([callerSignal, controller.signal]),
    clear: () => clearTimeout(timer),
  };
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
