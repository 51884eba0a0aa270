// What one delivery attempt ended in. The outbox sender decides from this alone: ok → mark sent;
// permanent → mark dead now; otherwise retry, after retryAfterMs when the receiver named a time.

import { RegwatchError } from '../model/errors.js';

export type NotifyErrorCode =
  | 'NOTIFY_HTTP_STATUS' // a 3xx or 4xx other than 408/429: our request or the target is wrong
  | 'NOTIFY_RATE_LIMITED' // 429, or a Teams connector answering 200 with "HTTP error 429" inside
  | 'NOTIFY_SERVER_ERROR' // 5xx or 408
  | 'NOTIFY_TIMEOUT'
  | 'NOTIFY_NETWORK'
  | 'NOTIFY_PRIVATE_ADDRESS' // the guarded dispatcher refused a loopback or private address
  | 'NOTIFY_BAD_ITEM' // the item does not satisfy the Item contract: no message can be built
  | 'NOTIFY_SECRET_MISSING' // the environment variable a channel names is unset or empty
  | 'NOTIFY_BAD_TARGET' // a URL read from the environment is not a usable URL
  | 'NOTIFY_SMTP_AUTH'
  | 'NOTIFY_SMTP_TLS'
  | 'NOTIFY_SMTP_REJECTED' // a 5xx SMTP reply
  | 'NOTIFY_SMTP_TRANSIENT'; // a 4xx SMTP reply

export type DeliveryOutcome =
  | { ok: true; status?: number; note?: string }
  | { ok: false; permanent: boolean; code: NotifyErrorCode; reason: string; retryAfterMs?: number; status?: number };

export type DeliveryFailure = Extract<DeliveryOutcome, { ok: false }>;

/** Thrown by message builders and secret lookups; never carries a secret value, only its name. */
export class NotifyError extends RegwatchError<NotifyErrorCode> {
  constructor(code: NotifyErrorCode, message: string) {
    super(code, message.startsWith('notify: ') ? message : `notify: ${message}`);
  }

  toOutcome(): DeliveryFailure {
    return { ok: false, permanent: true, code: this.code, reason: this.message };
  }
}
