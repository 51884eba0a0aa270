import { createRequire } from 'node:module';
import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';
import { toFetchError } from '../fetch/fetch-error.js';
import { publishableText } from '../publish/sanitize.js';
import type { DeliveryOutcome, NotifyErrorCode } from './outcome.js';
import { retryAfterMs } from './retry-policy.js';

// One POST of one message, no redirects followed (a webhook that redirects is misconfigured, and a
// redirect must never carry a signed body elsewhere), classified into a DeliveryOutcome. Slack and
// Teams webhook URLs are secrets (their path is the credential), so a reason names only the origin.

export interface HttpMessage {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface HttpPostDeps {
  /** The process's guarded agent in production (see createAgent in src/fetch/http-client.ts). */
  dispatcher: Dispatcher;
  userAgent: string;
  now(): number;
  signal?: AbortSignal;
}

const REASON_BODY_BYTES = 512;

// undici's index (its request) is required on the first post, not at every refresh's start-up: it
// loads all of undici, about 60 ms, and most refreshes post nothing (see src/fetch/undici-agent.ts).
let undici: typeof Undici | undefined;

/** `https://hooks.slack.com/…`: enough to tell targets apart in a log, never the credential in the path. */
export function redactedTarget(url: string): string {
  const parsed = URL.parse(url);
  if (parsed === null) return '(not a URL)';
  return parsed.pathname === '/' && parsed.search === '' ? parsed.origin : `${parsed.origin}/…`;
}

export async function postHttp(message: HttpMessage, deps: HttpPostDeps): Promise<DeliveryOutcome> {
  const target = redactedTarget(message.url);
  const scrub = (text: string) => publishableText(text.split(message.url).join(target)).replace(/\s+/g, ' ').trim();
  undici ??= createRequire(import.meta.url)('undici') as typeof Undici;
  let response: Dispatcher.ResponseData;
  try {
    response = await undici.request(message.url, {
      dispatcher: deps.dispatcher,
      method: 'POST',
      headers: { 'user-agent': deps.userAgent, ...message.headers },
      body: message.body,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
  } catch (error) {
    return networkFailure(error, target, scrub);
  }
  const { statusCode: status, headers } = response;
  const excerpt = scrub(await readExcerpt(response.body));
  const said = excerpt === '' ? '' : `: ${excerpt}`;
  const fail = (code: NotifyErrorCode, permanent: boolean, extra: { retryAfterMs?: number } = {}): DeliveryOutcome => ({
    ok: false,
    permanent,
    code,
    status,
    reason: `notify: POST ${target} returned ${status}${said}`,
    ...extra,
  });
  const retryAfter = retryAfterMs(headers['retry-after'], deps.now());
  const after = retryAfter === undefined ? {} : { retryAfterMs: retryAfter };
  if (status >= 200 && status < 300) {
    // Teams' retired Office 365 connectors answered throttling with a 200 whose body says 429.
    if (/HTTP error 429/i.test(excerpt)) return fail('NOTIFY_RATE_LIMITED', false, after);
    return { ok: true, status };
  }
  if (status === 429) return fail('NOTIFY_RATE_LIMITED', false, after);
  if (status >= 500 || status === 408) return fail('NOTIFY_SERVER_ERROR', false, after);
  return fail('NOTIFY_HTTP_STATUS', true);
}

function networkFailure(error: unknown, target: string, scrub: (text: string) => string): DeliveryOutcome {
  const classified = toFetchError(error, target);
  const raw = error as { message?: unknown; code?: unknown; cause?: { message?: unknown } };
  const detail = scrub([raw?.message, raw?.cause?.message, raw?.code].filter((p): p is string => typeof p === 'string' && p !== '').join(' '));
  const reason = `notify: POST ${target} failed: ${detail || String(error)}`;
  switch (classified.code) {
    case 'FETCH_PRIVATE_ADDRESS':
      return { ok: false, permanent: true, code: 'NOTIFY_PRIVATE_ADDRESS', reason };
    case 'FETCH_TIMEOUT':
      return { ok: false, permanent: false, code: 'NOTIFY_TIMEOUT', reason };
    default:
      return { ok: false, permanent: false, code: 'NOTIFY_NETWORK', reason };
  }
}

/** The first bytes of a reply (Slack says `invalid_payload`, `no_service`, …); the rest is dropped. */
async function readExcerpt(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= REASON_BODY_BYTES) break;
    }
  } catch {
    // a reply cut off mid-body still has a status, which is what decides
  } finally {
    body.on('error', () => {});
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, REASON_BODY_BYTES).toString('utf8');
}
