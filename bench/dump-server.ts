import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';

// The synthetic ISO Open Data dumps (bench/make-dump.ts) and a loopback server that serves one of
// them with ETag and Last-Modified, answering If-None-Match with 304 as the real blob store does.

export const DUMPS_DIR = join(tmpdir(), 'regwatch-bench');
export const BASE_DUMP = join(DUMPS_DIR, 'dump-base.jsonl');
export const CHANGED_DUMP = join(DUMPS_DIR, 'dump-1pct.jsonl');
export const SC42 = 'ISO/IEC JTC 1/SC 42';
export const FOLLOWED_IDS = [81230, 44545, 44546, 77304];

export const TSX_IMPORT = pathToFileURL(resolve(import.meta.dirname, '../node_modules/tsx/dist/loader.mjs')).href;

/** Writes the dumps once; later runs reuse them (make-dump.ts is deterministic). */
export function ensureDumps(): void {
  if (existsSync(CHANGED_DUMP)) return;
  execFileSync(process.execPath, ['--import', TSX_IMPORT, join(import.meta.dirname, 'make-dump.ts'), DUMPS_DIR], { stdio: 'inherit' });
}

export interface DumpServer {
  /** The dump's URL, shaped like the real one. */
  url: string;
  /** Requests answered so far (robots.txt included). */
  requests(): number;
  /** Serve another file from now on. */
  serve(path: string): void;
  close(): Promise<void>;
}

export async function startDumpServer(path: string): Promise<DumpServer> {
  let served = path;
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    const stat = statSync(served);
    const etag = `"${stat.size}-${stat.mtimeMs}"`;
    const lastModified = stat.mtime.toUTCString();
    if (req.url === '/robots.txt') return void res.writeHead(404).end();
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag, 'last-modified': lastModified }).end();
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-length': stat.size, etag, 'last-modified': lastModified });
    createReadStream(served).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/opendata/_latest/iso_deliverables_metadata/json/iso_deliverables_metadata.jsonl`,
    requests: () => requests,
    serve: (next) => void (served = next),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** A config of one iso-opendata source on that URL, with no pacing. */
export function catalogueConfig(url: string): Record<string, unknown> {
  return {
    allowPrivateNetwork: true,
    hostIntervalSeconds: 0,
    sources: [{ id: 'iso_catalogue', watcher: 'iso-opendata', url, committees: [SC42], documents: FOLLOWED_IDS }],
  };
}
