import type { FetcherDeps } from '../src/fetch/index.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { HostStateStore, RobotsEntry } from '../src/fetch/index.js';

// A 127.0.0.1 server that misbehaves on purpose. Each test gives it a route table; every request is
// recorded; close() destroys open sockets, so a stalled or endless response never outlives its test.

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FaultServer {
  origin: string;
  port: number;
  requests: Array<{ path: string; headers: IncomingMessage['headers'] }>;
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startFaultServer(routes: Record<string, Handler> = {}): Promise<FaultServer> {
  const table = new Map(Object.entries(routes));
  const requests: FaultServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, headers: req.headers });
    const handler = table.get(path) ?? table.get(path.replace(/\?.*$/, '')) ?? table.get('*');
    if (handler === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no route');
      return;
    }
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    route: (path, handler) => void table.set(path, handler),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// Behaviours, each bounded in bytes and time.

export const send =
  (status: number, body = '', headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
  };

export const redirect =
  (status: number, location: string): Handler =>
  (_req, res) => {
    res.writeHead(status, { location }).end();
  };

/** Never sends headers (the socket is destroyed by close()). */
export const silent = (): Handler => () => {};

/** Sends headers and a first chunk, then nothing. */
export const stallBody = (): Handler => (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html', 'content-length': '100000' });
  res.write('<html><head><title>partial');
};

/** Sends headers, then one byte every `everyMs` (never silent long enough for an idle timeout) up to `capBytes`. */
export const dripBody =
  (everyMs = 50, capBytes = 100_000): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    let sent = 0;
    const timer = setInterval(() => {
      if (res.destroyed || sent >= capBytes) {
        clearInterval(timer);
        res.end();
        return;
      }
      sent += 1;
      res.write('x');
    }, everyMs);
    res.on('close', () => clearInterval(timer));
  };

/** Writes 16 KiB chunks until the client hangs up or `capBytes` is reached. */
export const endlessBody =
  (capBytes = 64 * 1024 * 1024): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    let sent = 0;
    const pump = (): void => {
      while (sent < capBytes && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  };

/** Raw bytes that are not HTTP at all. */
export const garbage = (): Handler => (req) => {
  req.socket.end(Buffer.from('\x00\xffNOT HTTP AT ALL\r\n\r\n\x13\x37'));
};

/** Promises 1000 bytes, sends 10, hangs up. */
export const truncated = (): Handler => (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html', 'content-length': '1000' });
  res.write('<html>0123', () => res.socket?.destroy());
};

// Fakes for the fetcher's other dependencies: the store in memory, a clock that sleeps instantly.

export function memoryStore(): HostStateStore & { notBefore: Map<string, number>; robots: Map<string, RobotsEntry> } {
  const notBefore = new Map<string, number>();
  const robots = new Map<string, RobotsEntry>();
  return {
    notBefore,
    robots,
    getNotBefore: (host) => notBefore.get(host),
    setNotBefore: (host, epochMs) => void notBefore.set(host, epochMs),
    getRobots: (origin) => robots.get(origin),
    setRobots: (origin, value) => void robots.set(origin, value),
  };
}

/**
 * A fetcher's dependencies for tests: loopback allowed, no politeness interval, no retries,
 * 2 s timeouts, an in-memory store and the given fake clock; override what a test is about.
 */
export function testFetcherDeps(clock: FakeClock, overrides: Partial<FetcherDeps> = {}): FetcherDeps {
  return {
    userAgent: 'regwatch/0.1.0 (+https://example.org/regwatch)',
    allowPrivateNetwork: true,
    hostIntervalMs: 0,
    timeouts: { connectMs: 2_000, headersMs: 2_000, bodyMs: 2_000, totalMs: 30_000 },
    maxRetries: 0,
    store: memoryStore(),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
    ...overrides,
  };
}

export interface FakeClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  advance(ms: number): void;
  sleeps: number[];
}

/** Virtual time: it moves only when something sleeps or the test advances it. */
export function fakeClock(start = Date.UTC(2025, 0, 15, 12, 0, 0)): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    // Concurrent sleepers each wake at their own deadline, so two hosts waiting 5 s side by side
    // end at +5 s, not +10 s.
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      const wake = t + ms;
      await Promise.resolve();
      t = Math.max(t, wake);
    },
    advance: (ms) => void (t += ms),
    sleeps,
  };
}
