import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { Writable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { Agent, type Connector } from './undici-agent.js';
import { startDeadline } from './deadline.js';
import { FetchError, toFetchError } from './fetch-error.js';
import { guardedConnector } from './guarded-connect.js';
import { unpausedGet } from './unpaused-get.js';

// One hop of one GET: no redirects are followed here (the caller checks every hop), the body is
// counted, hashed and either kept in memory or spooled to a file, anything over the caller's limit
// is cut off rather than buffered, and the whole exchange has a wall-clock deadline.

export interface Timeouts {
  connectMs: number;
  headersMs: number;
  /** Longest silence between two body chunks (undici's bodyTimeout is an idle timer, not a total). */
  bodyMs: number;
  /** Wall-clock limit of one request, however steadily its bytes drip in. */
  totalMs: number;
}

export interface AgentOptions {
  timeouts: Timeouts;
  allowPrivateNetwork: boolean;
  lookup?: LookupFunction;
  connect?: Connector;
}

/** The process's one Agent: guarded connector, explicit timeouts, no redirect following. */
export function createAgent(options: AgentOptions): Agent {
  return new Agent({
    connect: guardedConnector({
      allowPrivateNetwork: options.allowPrivateNetwork,
      connectTimeoutMs: options.timeouts.connectMs,
      ...(options.lookup ? { lookup: options.lookup } : {}),
      ...(options.connect ? { connect: options.connect } : {}),
    }),
    headersTimeout: options.timeouts.headersMs,
    bodyTimeout: options.timeouts.bodyMs,
    connections: 4,
  });
}

export interface HopRequest {
  url: URL;
  headers: Record<string, string>;
  maxBytes: number;
  /** Keep the first maxBytes instead of failing (robots.txt: RFC 9309 §2.5 parse at least 500 KiB). */
  truncate?: boolean;
  spoolTo?: string;
  /** Opens the spool file's stream (default fs.createWriteStream; tests pass a slow one). */
  openSpool?: (path: string) => Writable;
  /** Wall-clock limit of this request, from sending it to the body's last byte on disk. */
  deadlineMs: number;
  signal?: AbortSignal;
}

export interface HopResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Only read for 2xx; other statuses are dropped unread. */
  body?: Buffer;
  bodyFile?: string;
  bytes: number;
  sha256: string;
}

export async function sendOnce(dispatcher: Dispatcher, hop: HopRequest): Promise<HopResponse> {
  const href = hop.url.href;
  const deadline = startDeadline(hop.deadlineMs, href, hop.signal);
  const spoolFailed = new AbortController();
  const signal = AbortSignal.any([deadline.signal, spoolFailed.signal]);
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let bytes = 0;
  let spool: Writable | undefined;

  const take = (chunk: Buffer): 'more' | 'enough' => {
    const room = hop.maxBytes - bytes;
    if (chunk.length > room && !hop.truncate) throw tooLarge(href, hop.maxBytes, 'body cut off');
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    bytes += kept.length;
    hash.update(kept);
    // write()'s false (backpressure) is ignored on purpose: pausing is what crashes undici 7
    // (unpaused-get.ts). The backlog is bounded by maxBytes, like a body kept in memory.
    if (spool !== undefined) spool.write(kept);
    else chunks.push(kept);
    return chunk.length > room ? 'enough' : 'more';
  };

  try {
    const { status, headers } = await unpausedGet(dispatcher, { url: hop.url, headers: hop.headers, signal }, (head) => {
      // A redirect or error body is never read: closing beats draining a hostile one.
      if (head.status < 200 || head.status >= 300) return 'skip-body';
      const declared = Number(head.headers['content-length']);
      if (!hop.truncate && Number.isFinite(declared) && declared > hop.maxBytes) {
        throw tooLarge(href, hop.maxBytes, `Content-Length: ${declared}`);
      }
      if (hop.spoolTo !== undefined) {
        spool = (hop.openSpool ?? createWriteStream)(hop.spoolTo);
        spool.on('error', (error) => spoolFailed.abort(error));
      }
      return { take };
    });
    if (status < 200 || status >= 300) return { status, headers, bytes: 0, sha256: '' };
    if (spool !== undefined && hop.spoolTo !== undefined) {
      await finishWriting(spool, signal);
      return { status, headers, bodyFile: hop.spoolTo, bytes, sha256: hash.digest('hex') };
    }
    return { status, headers, body: Buffer.concat(chunks, bytes), bytes, sha256: hash.digest('hex') };
  } catch (error) {
    if (spool !== undefined) await closed(spool);
    if (hop.spoolTo !== undefined) await rm(hop.spoolTo, { force: true });
    throw toFetchError(error, href);
  } finally {
    deadline.clear();
  }
}

/** Ends the spool and waits until its bytes are written, or the request's deadline or a write error. */
function finishWriting(spool: Writable, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    spool.end((error?: Error | null) => {
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    });
  });
}

/** Destroys the spool and waits for its file to be closed, so that removing it afterwards sticks. */
function closed(spool: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (spool.closed) return resolve();
    spool.once('close', () => resolve());
    spool.on('error', () => {}); // already reported through the request
    spool.destroy();
  });
}

function tooLarge(url: string, maxBytes: number, detail: string): FetchError {
  return new FetchError('FETCH_TOO_LARGE', `GET ${url} is larger than the limit of ${maxBytes} bytes (${detail})`);
}
