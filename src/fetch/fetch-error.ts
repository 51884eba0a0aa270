// Every failure in the fetch layer names its stage and carries a stable code, so the pipeline can
// report `fetch: GET <url> returned 403` and group failures by `FETCH_HTTP_STATUS`.

import { RegwatchError } from '../model/errors.js';

export type FetchErrorCode =
  | 'FETCH_TIMEOUT'
  | 'FETCH_TOO_LARGE'
  | 'FETCH_REDIRECT_LIMIT'
  | 'FETCH_INSECURE_REDIRECT'
  | 'FETCH_PRIVATE_ADDRESS'
  | 'FETCH_HTTP_STATUS'
  | 'FETCH_SOFT_ERROR'
  | 'FETCH_ROBOTS'
  | 'FETCH_NETWORK'
  | 'FETCH_PROTOCOL'
  | 'FETCH_NOT_BEFORE'
  | 'FETCH_ABORTED'
  | 'FETCH_BAD_URL';

export class FetchError extends RegwatchError<FetchErrorCode> {
  /** False when trying again would only repeat the failure (a total deadline already spent). */
  readonly retryable: boolean;
  constructor(
    code: FetchErrorCode,
    message: string,
    readonly status?: number,
    options: { retryable?: boolean } = {},
  ) {
    super(code, message.startsWith('fetch: ') ? message : `fetch: ${message}`);
    this.retryable = options.retryable ?? true;
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Maps whatever undici, node:net or node:fs threw during one request to a FetchError. */
export function toFetchError(error: unknown, url: string): FetchError {
  if (error instanceof FetchError) return error;
  const err = error as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  const code = typeof err?.code === 'string' ? err.code : '';
  const detail = typeof err?.message === 'string' && err.message !== '' ? err.message : String(error);
  if (err?.cause instanceof FetchError) return err.cause;
  if (TIMEOUT_CODES.has(code)) return new FetchError('FETCH_TIMEOUT', `GET ${url} timed out (${detail})`);
  if (code === 'UND_ERR_ABORTED' || err?.name === 'AbortError') return new FetchError('FETCH_ABORTED', `GET ${url} was aborted`);
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return new FetchError('FETCH_TOO_LARGE', `GET ${url} exceeded the size limit`);
  if (code.startsWith('HPE_') || err?.name === 'HTTPParserError') {
    return new FetchError('FETCH_PROTOCOL', `GET ${url} sent a malformed HTTP response (${code || detail})`);
  }
  return new FetchError('FETCH_NETWORK', `GET ${url} failed: ${detail}${code && !detail.includes(code) ? ` (${code})` : ''}`);
}
