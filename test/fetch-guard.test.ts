import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildConnector } from 'undici';
import { createFetcher } from '../src/fetch/index.js';
import { guardedConnector } from '../src/fetch/guarded-connect.js';
import type { Fetcher } from '../src/fetcher.js';
import { fakeClock, redirect, send, startFaultServer, testFetcherDeps, type FaultServer } from './fault-server.js';

// The private-address rule, proven without ever reaching a private address: a made-up resolver
// answers for made-up names, and the raw connector under the guard is a tripwire that only ever
// connects to the test's own 127.0.0.1 server and fails the test for anything else.

const PUBLIC_LOOKING = '11.0.0.1'; // never contacted: the tripwire sends it to 127.0.0.1
const ANSWERS: Record<string, string[]> = {
  'www.example.test': [PUBLIC_LOOKING],
  'intranet.example.test': ['10.0.0.7'],
  'metadata.example.test': ['169.254.169.254'],
  'mixed.example.test': [PUBLIC_LOOKING, '192.168.1.1'],
  'v6.example.test': ['fd00::1'],
};

const testLookup: LookupFunction = (hostname, _options, callback) => {
  const answer = ANSWERS[hostname];
  if (answer === undefined) {
    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    return;
  }
  callback(null, answer.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })));
};

function tripwire(port: () => number): { connect: buildConnector.connector; asked: string[] } {
  const real = buildConnector({ timeout: 2_000 });
  const asked: string[] = [];
  return {
    asked,
    connect: (params, callback) => {
      asked.push(params.hostname);
      if (params.hostname === PUBLIC_LOOKING && params.port === String(port())) {
        real({ ...params, hostname: '127.0.0.1' }, callback);
        return;
      }
      callback(new Error(`tripwire: asked to connect to ${params.hostname}:${params.port}`), null);
    },
  };
}

describe('guardedConnector (no sockets)', () => {
  const run = (hostname: string, allowPrivateNetwork = false) => {
    const reached: string[] = [];
    const connector = guardedConnector({
      allowPrivateNetwork,
      connectTimeoutMs: 1_000,
      lookup: testLookup,
      connect: (params, callback) => {
        reached.push(params.hostname);
        callback(new Error('stop here'), null);
      },
    });
    return new Promise<{ error: Error | null; reached: string[] }>((resolve) =>
      connector({ hostname, host: hostname, protocol: 'https:', port: '443' }, (...args) => resolve({ error: args[0], reached })),
    );
  };

  it.each(['intranet.example.test', 'metadata.example.test', 'mixed.example.test', 'v6.example.test', '127.0.0.1', '::1', '169.254.169.254'])(
    'refuses %s before any socket exists',
    async (hostname) => {
      const { error, reached } = await run(hostname);
      expect(error).toMatchObject({ code: 'FETCH_PRIVATE_ADDRESS' });
      expect(error?.message).toMatch(/^fetch: connect .*(private address|no address)/);
      expect(reached).toEqual([]);
    },
  );

  it('hands a checked public address on, and loopback only when allowPrivateNetwork is set', async () => {
    expect((await run('www.example.test')).reached).toEqual([PUBLIC_LOOKING]);
    expect((await run('127.0.0.1', true)).reached).toEqual(['127.0.0.1']);
  });

  it('passes a DNS failure on unchanged', async () => {
    const { error, reached } = await run('nowhere.example.test');
    expect(error).toMatchObject({ code: 'ENOTFOUND' });
    expect(reached).toEqual([]);
  });
});

describe('fetch: every redirect hop is checked against the private-address rule', () => {
  let server: FaultServer;
  let fetcher: Fetcher;
  let wire: ReturnType<typeof tripwire>;
  let base: string;

  beforeEach(async () => {
    server = await startFaultServer({ '/robots.txt': send(404, '') });
    wire = tripwire(() => server.port);
    const clock = fakeClock();
    fetcher = createFetcher(testFetcherDeps(clock, { allowPrivateNetwork: false, maxRetries: 2, lookup: testLookup, connect: wire.connect }));
    base = `http://www.example.test:${server.port}`;
  });
  afterEach(async () => {
    await fetcher.close();
    await server.close();
  });

  it('reaches a public-looking host (through the tripwire, to 127.0.0.1)', async () => {
    server.route('/page', send(200, '<p>public</p>'));
    expect(await fetcher.get(`${base}/page`, { maxBytes: 1000 })).toMatchObject({ kind: 'ok' });
    expect(new Set(wire.asked)).toEqual(new Set([PUBLIC_LOOKING]));
  });

  it.each([
    ['a name that resolves to 10.x', () => `http://intranet.example.test:${server.port}/admin`],
    ['a name that resolves to cloud metadata', () => `http://metadata.example.test:${server.port}/latest/meta-data/`],
    ['an IP literal of cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['an IPv4-mapped IPv6 literal', () => 'http://[::ffff:10.0.0.1]/'],
    ['localhost', () => `http://localhost:${server.port}/`],
  ])('refuses a redirect to %s and never connects there', async (_name, target) => {
    server.route('/moved', redirect(302, target()));
    const result = await fetcher.get(`${base}/moved`, { maxBytes: 1000 });
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_PRIVATE_ADDRESS' });
    expect(wire.asked.every((a) => a === PUBLIC_LOOKING)).toBe(true);
    expect(server.requests.map((r) => r.path)).toEqual(['/robots.txt', '/moved']); // not retried
  });

  it('refuses a private source URL outright', async () => {
    const result = await fetcher.get('http://intranet.example.test/x', { maxBytes: 1000 });
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_PRIVATE_ADDRESS' });
    expect(wire.asked).toEqual([]);
  });
});
