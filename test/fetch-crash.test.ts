import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TSX_IMPORT } from './helpers/tsx.js';

// Issue 8: daily dumps replayed from a server that closes the connection right after the body
// (Python's http.server) killed the process with undici 7's uncatchable `assert(!this.paused)`
// (nodejs/undici#5360): the parser was paused by backpressure from a slow spool write when the
// FIN arrived. The downloads run in a child process, so a crash is reported, not suffered.

const CHILD = resolve(import.meta.dirname, 'helpers/spool-child.ts');
const BODY = Buffer.alloc(4 * 1024 * 1024, '{"id":1,"title":"x"}\n');
const BODY_SHA256 = createHash('sha256').update(BODY).digest('hex');
const RUNS = 20;

/** Raw HTTP so the framing is exact: everything is written and the socket ended at once. */
function startClosingServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', (request) => {
      const path = /^GET (\S+)/.exec(request.toString('latin1'))?.[1];
      if (path === '/http10.jsonl') {
        socket.write('HTTP/1.0 200 OK\r\nContent-Type: application/jsonl\r\n\r\n'); // no length: the body ends at FIN
        socket.end(BODY);
      } else if (path === '/close.jsonl') {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/jsonl\r\nContent-Length: ${BODY.length}\r\nConnection: close\r\n\r\n`);
        socket.end(BODY);
      } else {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      }
    });
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done({ server, port: (server.address() as AddressInfo).port, sockets })));
}

function runChild(url: string, spoolDir: string): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', TSX_IMPORT, CHILD, url, String(RUNS), spoolDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code, signal) => done({ code, signal, out, err }));
  });
}

describe('fetch: a server that closes right after a big body never crashes the process', () => {
  let server: Awaited<ReturnType<typeof startClosingServer>>;
  let spoolDir: string;
  beforeAll(async () => {
    server = await startClosingServer();
    spoolDir = mkdtempSync(join(tmpdir(), 'regwatch-crash-'));
  });
  afterAll(async () => {
    for (const socket of server.sockets) socket.destroy();
    await new Promise<void>((done) => server.server.close(() => done()));
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it.each([
    ['HTTP/1.0 without Content-Length (the body ends at FIN)', '/http10.jsonl'],
    ['HTTP/1.1 with Content-Length and Connection: close', '/close.jsonl'],
  ])('%s, spooled to a slow disk, %#', async (_name, path) => {
    const { code, signal, out, err } = await runChild(`http://127.0.0.1:${server.port}${path}`, spoolDir);
    expect(err).not.toMatch(/AssertionError/);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const results = out.trim().split('\n');
    expect(results.pop()).toBe('DONE');
    expect(results.map((line) => JSON.parse(line))).toEqual(Array(RUNS).fill({ kind: 'ok', bytes: BODY.length, sha256: BODY_SHA256 }));
  });
});
