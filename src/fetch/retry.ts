// When to try again: exponential backoff with full jitter for transient trouble, and the server's
// own Retry-After when it gives one.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  random(): number;
}

export const DEFAULT_BACKOFF = { baseMs: 1_000, capMs: 30_000 } as const;

/** Delay before retry number `attempt` (1-based): uniform in [0, min(cap, base·2^(attempt-1))]. */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(options.random() * ceiling);
}

/**
 * Only trouble that may go away by itself is retried: network errors, timeouts and 5xx; not a
 * request that used up its total deadline (a retry would spend it again).
 */
export function isRetryable(failure: { code: string; status?: number; retryable?: boolean }): boolean {
  if (failure.retryable === false) return false;
  if (failure.code === 'FETCH_NETWORK' || failure.code === 'FETCH_TIMEOUT') return true;
  return failure.code === 'FETCH_HTTP_STATUS' && failure.status !== undefined && failure.status >= 500;
}

/** A server may not push us away for longer than this; beyond it the source is simply unreadable. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Retry-After (RFC 9110 §10.2.3) is either delay-seconds or an HTTP-date. Returns the epoch ms
 * before which the host should not be asked again, or undefined when the header is absent or bad.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (raw === undefined || raw === '') return undefined;
  let until: number;
  if (/^\d+$/.test(raw)) {
    until = nowMs + Number(raw) * 1000;
  } else {
    // RFC 9110 §5.6.7: IMF-fixdate, plus the obsolete RFC 850 and asctime forms, all GMT.
    if (!/GMT$|^\w{3} \w{3} [ \d]\d /.test(raw)) return undefined;
    until = Date.parse(/GMT$/.test(raw) ? raw : `${raw} GMT`);
    if (Number.isNaN(until)) return undefined;
  }
  return Math.min(Math.max(until, nowMs), nowMs + MAX_RETRY_AFTER_MS);
}
