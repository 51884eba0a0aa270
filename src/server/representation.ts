import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PUBLISHED_FILE_TYPES, type PublishedFile } from '../publish/published-files.js';

// One response body with the validators feed readers revalidate with (RFC 9110 §8.8, §13.1) and
// its gzip encoding, made once and kept with it.

export interface Representation {
  readonly body: Buffer;
  readonly contentType: string;
  /** Quoted strong entity tag of the identity encoding. */
  readonly etag: string;
  readonly lastModified: Date;
  gzipped(): Buffer;
}

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

/** A published file's Content-Type: its media type, in UTF-8 as every file regwatch writes. */
export function contentTypeOf(file: PublishedFile): string {
  return `${PUBLISHED_FILE_TYPES[file].mediaType}; charset=utf-8`;
}

export function representation(body: Buffer | string, contentType: string, lastModified: Date): Representation {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const tag = createHash('sha256').update(bytes).digest('base64url').slice(0, 32);
  let gzipped: Buffer | undefined;
  return {
    body: bytes,
    contentType,
    etag: `"${tag}"`,
    lastModified: Number.isNaN(lastModified.getTime()) ? new Date(0) : lastModified,
    gzipped: () => (gzipped ??= gzipSync(bytes)),
  };
}

/** A gzip body has its own tag: a content coding is a different representation (RFC 9110 §8.8.3). */
function gzipTag(etag: string): string {
  return `${etag.slice(0, -1)}-gz"`;
}

/** Sends the representation, or 304 when the request's validators still match it. */
export function sendRepresentation(
  req: IncomingMessage,
  res: ServerResponse,
  rep: Representation,
  cacheControl: string,
  extraHeaders: Record<string, string> = {},
): void {
  const gzip = acceptsGzip(req.headers['accept-encoding']);
  res.setHeader('Content-Type', rep.contentType);
  res.setHeader('ETag', gzip ? gzipTag(rep.etag) : rep.etag);
  res.setHeader('Last-Modified', rep.lastModified.toUTCString());
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('Vary', 'Accept-Encoding');
  for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  if (notModified(req, rep)) {
    res.statusCode = 304;
    res.removeHeader('Content-Type');
    res.end();
    return;
  }
  const body = gzip ? rep.gzipped() : rep.body;
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', body.length);
  res.statusCode = 200;
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** RFC 9110 §13.2.2: If-None-Match decides when present (weak comparison); else If-Modified-Since. */
export function notModified(req: IncomingMessage, rep: Representation): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const mine = new Set([rep.etag, gzipTag(rep.etag)]);
    return ifNoneMatch.split(',').some((raw) => {
      const tag = raw.trim().replace(/^W\//, '');
      return tag === '*' || mine.has(tag);
    });
  }
  const ifModifiedSince = req.headers['if-modified-since'];
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  if (Number.isNaN(since)) return false;
  // HTTP dates have whole seconds.
  return Math.floor(rep.lastModified.getTime() / 1000) * 1000 <= since;
}

/** `gzip` or `*` listed with a q-value above zero (RFC 9110 §12.5.3). */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  let wildcard = false;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (coding.trim() === 'gzip' || coding.trim() === 'x-gzip') return weight > 0;
    if (coding.trim() === '*') wildcard = weight > 0;
  }
  return wildcard;
}
