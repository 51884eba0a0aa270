import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, request, type Dispatcher, type buildConnector } from 'undici';
import { FetchError, toFetchError } from './fetch-error.js';
import { guardedConnector } from './guarded-connect.js';

// One hop of one GET: no redirects are followed here (the caller checks every hop), the body is
// counted, hashed and either kept in memory or spooled to a file, and anything over the caller's
// limit is cut off rather than buffered.

export interface Timeouts {
  connectMs: number;
  headersMs: number;
  /** Longest silence between two body chunks (undici's bodyTimeout is an idle timer, not a total). */
  bodyMs: number;
}

export interface AgentOptions {
  timeouts: Timeouts;
  allowPrivateNetwork: boolean;
  lookup?: LookupFunction;
  connect?: buildConnector.connector;
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
  signal?: AbortSignal;
}

export interface HopResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Only read for 2xx; other statuses are drained and dropped. */
  body?: Buffer;
  bodyFile?: string;
  bytes: number;
  sha256: string;
}

export async function sendOnce(dispatcher: Dispatcher, hop: HopRequest): Promise<HopResponse> {
  const href = hop.url.href;
  let res: Dispatcher.ResponseData;
  try {
    res = await request(hop.url, {
      dispatcher,
      method: 'GET',
      headers: hop.headers,
      ...(hop.signal ? { signal: hop.signal } : {}),
    });
  } catch (error) {
    throw toFetchError(error, href);
  }
  const { statusCode: status, headers } = res;
  if (status < 200 || status >= 300) {
    discard(res.body); // a redirect or error body is never read: closing beats draining a hostile one
    return { status, headers, bytes: 0, sha256: '' };
  }
  const declared = Number(headers['content-length']);
  if (!hop.truncate && Number.isFinite(declared) && declared > hop.maxBytes) {
    discard(res.body);
    throw tooLarge(href, hop.maxBytes, `Content-Length: ${declared}`);
  }
  const hash = createHash('sha256');
  let bytes = 0;
  const limit = async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      if (bytes + chunk.length > hop.maxBytes) {
        if (!hop.truncate) throw tooLarge(href, hop.maxBytes, 'body cut off');
        const head = chunk.subarray(0, hop.maxBytes - bytes);
        bytes += head.length;
        hash.update(head);
        yield head;
        return; // leaving the loop destroys the body, which closes the socket
      }
      bytes += chunk.length;
      hash.update(chunk);
      yield chunk;
    }
  };
  try {
    if (hop.spoolTo !== undefined) {
      await pipeline(res.body, limit, (hop.openSpool ?? createWriteStream)(hop.spoolTo));
      return { status, headers, bodyFile: hop.spoolTo, bytes, sha256: hash.digest('hex') };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of limit(res.body)) chunks.push(chunk);
    return { status, headers, body: Buffer.concat(chunks, bytes), bytes, sha256: hash.digest('hex') };
  } catch (error) {
    discard(res.body);
    if (hop.spoolTo !== undefined) await rm(hop.spoolTo, { force: true });
    throw toFetchError(error, href);
  }
}

/** undici 7's body emits an AbortError when destroyed without a reason: swallow it, we chose this. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {});
  body.destroy();
}

function tooLarge(url: string, maxBytes: number, detail: string): FetchError {
  return new FetchError('FETCH_TOO_LARGE', `GET ${url} is larger than the limit of ${maxBytes} bytes (${detail})`);
}
