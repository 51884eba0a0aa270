import { backoffDelay, parseRetryAfter } from '../fetch/retry.js';
import type { DeliveryOutcome } from './outcome.js';

// When the outbox tries a delivery again. Exponential backoff with full jitter (the fetch layer's
// backoffDelay, with longer steps: a receiver that is down is usually down for minutes, not
// seconds), a receiver's own Retry-After when it gives one, and a dead delivery after maxAttempts.

export const NOTIFY_BACKOFF = { baseMs: 30_000, capMs: 6 * 60 * 60 * 1000 } as const;
export const DEFAULT_MAX_ATTEMPTS = 8;

/** Delay before attempt number `attempt` + 1, after `attempt` failures (1-based): uniform in [0, min(cap, base·2^(attempt-1))]. */
export function backoff(attempt: number, random: () => number, options: { baseMs: number; capMs: number } = NOTIFY_BACKOFF): number {
  return backoffDelay(attempt, { ...options, random });
}

/** Retry-After (delay-seconds or an HTTP-date, RFC 9110 §10.2.3) as milliseconds from now; at most a day. */
export function retryAfterMs(header: string | string[] | undefined, nowMs: number): number | undefined {
  const until = parseRetryAfter(header, nowMs);
  return until === undefined ? undefined : until - nowMs;
}

export type NextStep = { kind: 'sent' } | { kind: 'retry'; delayMs: number } | { kind: 'dead'; reason: string };

/** What to do after attempt number `attempts` (1-based) ended in `outcome`. */
export function nextStep(
  outcome: DeliveryOutcome,
  attempts: number,
  options: { random: () => number; maxAttempts?: number; backoff?: { baseMs: number; capMs: number } },
): NextStep {
  if (outcome.ok) return { kind: 'sent' };
  if (outcome.permanent) return { kind: 'dead', reason: outcome.reason };
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (attempts >= maxAttempts) return { kind: 'dead', reason: `${outcome.reason} (gave up after ${attempts} attempts)` };
  const delayMs = outcome.retryAfterMs ?? backoff(attempts, options.random, options.backoff);
  return { kind: 'retry', delayMs };
}
