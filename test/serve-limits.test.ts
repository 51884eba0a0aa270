import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { request, startTestServer, syntheticItem, REALISTIC_OLDEST_FIRST, type TestServer } from './serve-seed.js';
import type { ConnectionLimits } from '../src/server/connection-limits.js';
import { publishedFiles } from '../src/server/feeds-route.js';

// Issue 8, "never crash, never hang", for `regwatch serve` under clients that connect and do not
// read: 1,500 connections pipelining requests and reading nothing grew RSS from 101 to 435 MB. The
// server caps its connections, drops a connection whose responses are not read within the write
// timeout or that queues too many unanswered requests, and keeps answering everyone else.

let server: TestServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
});

async function start(limits: Partial<ConnectionLimits>): Promise<TestServer> {
  // 253 items: changes.json is a few hundred KB, so a hundred of them outgrow any socket buffer.
  const items = [...Array.from({ length: 250 }, (_, n) => syntheticItem(n)), ...REALISTIC_OLDEST_FIRST];
  server = await startTestServer({ items, limits });
  return server;
}

interface RawConnection {
  socket: Socket;
  received: () => string;
  closed: Promise<void>;
  isClosed: () => boolean;
}

/** A plain TCP connection to the server, sending exactly the bytes given. */
async function open(url: string, options: { read: boolean }): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  let received = '';
  let isClosed = false;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => {}); // a reset is one of the outcomes under test
  const closed = new Promise<void>((resolve) =>
    socket.on('close', () => {
      isClosed = true;
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  if (!options.read) socket.pause();
  return { socket, received: () => received, closed, isClosed: () => isClosed };
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
const responsesIn = (text: string) => text.split('HTTP/1.1 ').length - 1;

describe('a cap on connections', () => {
  it('refuses connections beyond the cap, and takes new ones once a slot is free', async () => {
    const s = await start({ maxConnections: 3, keepAliveTimeoutMs: 60_000 });
    const kept: RawConnection[] = [];
    for (let n = 0; n < 3; n++) {
      const conn = await open(s.url, { read: true });
      conn.socket.write(get('/healthz'));
      await expect.poll(() => conn.received(), { timeout: 10_000 }).toMatch(/^HTTP\/1\.1 200 /);
      kept.push(conn);
    }
    const refused = await open(s.url, { read: true });
    refused.socket.write(get('/healthz'));
    await refused.closed;
    expect(refused.received()).toBe('');
    expect(kept.every((c) => !c.isClosed())).toBe(true);
    await expect.poll(() => s.log.some((l) => l.includes('connection limit of 3 reached')), { timeout: 10_000 }).toBe(true);

    kept[0]!.socket.end();
    await kept[0]!.closed;
    // The server frees the slot when it sees the close: poll until a new connection is answered.
    await expect
      .poll(
        async () => {
          const conn = await open(s.url, { read: true });
          conn.socket.write(get('/healthz'));
          await Promise.race([conn.closed, new Promise((r) => setTimeout(r, 2_000))]);
          const answered = /^HTTP\/1\.1 200 /.test(conn.received());
          conn.socket.destroy();
          return answered;
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(true);
  });
});

describe('clients that do not read', () => {
  it('drops a connection whose responses are not read within the write timeout, and answers others meanwhile', async () => {
    const s = await start({ writeTimeoutMs: 1_000, maxPipelinedRequests: 1_000 });
    const slow = await open(s.url, { read: false });
    slow.socket.write(get('/changes.json').repeat(100));
    // Meanwhile a well-behaved client is answered.
    const health = await request(new URL('/healthz', s.url).href);
    expect(health.status).toBe(200);

    await expect.poll(() => s.log.some((l) => l.includes('dropped a connection') && l.includes('not read within 1 s')), { timeout: 20_000 }).toBe(true);
    // The slow client finds its connection closed before it got all hundred answers.
    slow.socket.resume();
    await slow.closed;
    expect(responsesIn(slow.received())).toBeLessThan(100);
    expect((await request(new URL('/healthz', s.url).href)).status).toBe(200);
  });

  it('drops a connection that pipelines more unanswered requests than allowed', async () => {
    const s = await start({ maxPipelinedRequests: 4 });
    const greedy = await open(s.url, { read: true });
    greedy.socket.write(get('/healthz').repeat(40));
    await greedy.closed;
    expect(responsesIn(greedy.received())).toBeLessThan(40);
    expect(s.log.some((l) => l.includes('more than 4 unanswered requests'))).toBe(true);
    // Pipelining within the bound is served in full, in order.
    const polite = await open(s.url, { read: true });
    polite.socket.write(get('/healthz').repeat(3) + 'GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    await polite.closed;
    expect(polite.received().match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 404']);
    // The bound is on requests waiting at once, not on a connection's lifetime.
    const keepAlive = await open(s.url, { read: true });
    for (let n = 1; n <= 10; n++) {
      keepAlive.socket.write(get('/healthz'));
      await expect.poll(() => responsesIn(keepAlive.received()), { timeout: 10_000 }).toBe(n);
    }
    expect(keepAlive.isClosed()).toBe(false);
  });

  it('sets the request and keep-alive timeouts deliberately, not to node’s defaults', async () => {
    const { DEFAULT_CONNECTION_LIMITS } = await import('../src/server/connection-limits.js');
    const s = await start({});
    const http = s.httpServer;
    expect(http.maxConnections).toBe(DEFAULT_CONNECTION_LIMITS.maxConnections);
    expect(http.headersTimeout).toBe(DEFAULT_CONNECTION_LIMITS.headersTimeoutMs);
    expect(http.requestTimeout).toBe(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs);
    expect(http.keepAliveTimeout).toBe(DEFAULT_CONNECTION_LIMITS.keepAliveTimeoutMs);
    // node's defaults: 60 s for headers, 300 s for the request, no connection cap.
    expect(http.headersTimeout).toBeLessThan(60_000);
    expect(http.requestTimeout).toBeLessThan(300_000);
    expect(Number.isFinite(http.maxConnections)).toBe(true);
  });
});

describe('a burst of requests for a published file', () => {
  it('reads the file once for the whole burst, not once per request', async () => {
    const s = await start({});
    const files = publishedFiles(s.publicDir);
    const reps = await Promise.all(Array.from({ length: 200 }, () => files.get('changes.json')));
    expect(reps.every((rep) => rep !== null && rep.body.length > 100_000)).toBe(true);
    expect(new Set(reps).size).toBe(1);
    // A later request for the unchanged file is answered from the same version.
    expect(await files.get('changes.json')).toBe(reps[0]);
  });
});
