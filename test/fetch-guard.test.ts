import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildConnector } from 'undici';
import { createFetcher } from '../src/fetch/index.js';
import { guardedConnector } from '../src/fetch/guarded-connect.js';
import type { Fetcher } from '../src/fetch/fetcher.js';
import { fakeClock, redirect, send, startFaultServer, testFetcherDeps, type FaultServer } from './fault-server.js';

// The private-address rule, proven without ever reaching a private address: a made-up resolver
// answers for made-up names, and the raw connector under the guard is a tripwire that only ever
// connects to the test's own 127.0.0.1 server and fails the test for anything else.

const PUBLIC_LOOKING = '11.0.0.1'; // never contacted: the tripwire sends it to 127.0.0.1
const UNREACHABLE = '11.0.0.9'; // never contacted: the tripwire answers ECONNREFUSED for it
const ANSWERS: Record<string, string[]> = {
  'www.example.test': [PUBLIC_LOOKING],
  'several.example.test': [UNREACHABLE, PUBLIC_LOOKING],
  'down.example.test': [UNREACHABLE, UNREACHABLE],
  'intranet.example.test': ['10.0.0.7'],
  'metadata.example.test': ['169.254.169.254'],
  'mixed.example.test': [PUBLIC_LOOKING, '192.168.1.1'],
  'v6.example.test': ['fd00::1'],
  'compat.example.test': ['::a00:1'],
  'translated.example.test': ['::ffff:0:a00:1'],
  '6to4.example.test': ['2002:a00:1::1'],
  'nat64.example.test': ['64:ff9b:1::a00:1'],
  'sitelocal.example.test': ['fec0::1'],
  'loopback.example.test': ['127.0.0.1'],
};

const testLookup: LookupFunction = (hostname, _options, callback) => {
  const answer = ANSWERS[hostname];
  if (answer === undefined) {
    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    return;
  }
  callback(
    null,
    answer.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
  );
};

/**
 * The raw connector under the guard: PUBLIC_LOOKING (and, when `loopbackAllowed`, 127.0.0.1) on the
 * test server's port goes to the test server on 127.0.0.1, UNREACHABLE is refused without a socket,
 * anything else is a violation that fails the test. An https request gets a plain socket to the same
 * server (no certificate needed: the guard, not TLS, is under test).
 */
function tripwire(port: () => number, loopbackAllowed = false): { connect: buildConnector.connector; asked: string[]; violations: string[] } {
  const real = buildConnector({ timeout: 2_000 });
  const asked: string[] = [];
  const violations: string[] = [];
  return {
    asked,
    violations,
    connect: (params, callback) => {
      asked.push(params.hostname);
      const expected = params.hostname === PUBLIC_LOOKING || (loopbackAllowed && params.hostname === '127.0.0.1');
      if (expected && params.port === String(port())) {
        real({ ...params, protocol: 'http:', hostname: '127.0.0.1' }, callback);
        return;
      }
      if (params.hostname === UNREACHABLE) {
        callback(Object.assign(new Error(`connect ECONNREFUSED ${UNREACHABLE}:${params.port}`), { code: 'ECONNREFUSED' }), null);
        return;
      }
      violations.push(`${params.hostname}:${params.port}`);
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
        const refused = params.hostname === UNREACHABLE ? { code: 'ECONNREFUSED' } : {};
        callback(Object.assign(new Error('stop here'), refused), null);
      },
    });
    return new Promise<{ error: Error | null; reached: string[] }>((resolve) =>
      connector({ hostname, host: hostname, protocol: 'https:', port: '443' }, (...args) => resolve({ error: args[0], reached })),
    );
  };

  it.each([
    'intranet.example.test',
    'metadata.example.test',
    'mixed.example.test',
    'v6.example.test',
    'compat.example.test',
    'translated.example.test',
    '6to4.example.test',
    'nat64.example.test',
    'sitelocal.example.test',
    '127.0.0.1',
    '::1',
    '169.254.169.254',
    '::a00:1',
    'fe80::1',
  ])('refuses %s before any socket exists', async (hostname) => {
    const { error, reached } = await run(hostname);
    expect(error).toMatchObject({ code: 'FETCH_PRIVATE_ADDRESS' });
    expect(error?.message).toMatch(/^fetch: connect .*((private|special-purpose) address|no address)/);
    expect(reached).toEqual([]);
  });

  it.each(['metadata.example.test', '169.254.169.254', 'fe80::1'])('refuses link-local %s even with allowPrivateNetwork', async (hostname) => {
    const { error, reached } = await run(hostname, true);
    expect(error).toMatchObject({ code: 'FETCH_PRIVATE_ADDRESS' });
    expect(error?.message).toMatch(/link-local or special-purpose address/);
    expect(reached).toEqual([]);
  });

  it('hands every checked address on in turn while they refuse, and stops at the first that answers', async () => {
    expect((await run('several.example.test')).reached).toEqual([UNREACHABLE, PUBLIC_LOOKING]);
  });

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

  it.each(['compat', 'translated', '6to4', 'nat64', 'sitelocal'])('refuses a name answered with a %s IPv6 address, and never connects', async (name) => {
    const result = await fetcher.get(`http://${name}.example.test:${server.port}/x`, { maxBytes: 1000 });
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_PRIVATE_ADDRESS' });
    expect(wire.asked).toEqual([]);
  });

  it('tries the next address when the first refuses the connection', async () => {
    server.route('/page', send(200, '<p>public</p>'));
    const result = await fetcher.get(`http://several.example.test:${server.port}/page`, { maxBytes: 1000 });
    expect(result).toMatchObject({ kind: 'ok' });
    expect(wire.asked.slice(0, 2)).toEqual([UNREACHABLE, PUBLIC_LOOKING]);
    expect(wire.violations).toEqual([]);
  });

  it('gives up when no address answers: every one tried, none but them asked for', async () => {
    const result = await fetcher.get(`http://down.example.test:${server.port}/page`, { maxBytes: 1000 });
    // robots.txt comes first, so it is what could not be reached
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_ROBOTS' });
    // why first, then what RFC 9309 makes of it
    expect(result.kind === 'unreadable' && result.reason).toMatch(
      /^fetch: connection refused \(.*ECONNREFUSED.*\): http:\/\/down\.example\.test:\d+\/robots\.txt could not be fetched; RFC 9309 then counts every page of http:\/\/down\.example\.test:\d+ as disallowed, so GET http:\/\/down\.example\.test:\d+\/page was not attempted$/,
    );
    expect(wire.asked).toEqual([UNREACHABLE, UNREACHABLE]);
    expect(wire.violations).toEqual([]);
  });

  it('never follows a redirect from https to http', async () => {
    server.route('/secure', redirect(302, `http://www.example.test:${server.port}/plain`));
    server.route('/plain', send(200, '<p>in clear text</p>'));
    const result = await fetcher.get(`https://www.example.test:${server.port}/secure`, { maxBytes: 1000 });
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_INSECURE_REDIRECT', status: 302 });
    expect(result.kind === 'unreadable' && result.reason).toContain('redirected from https to http');
    expect(server.requests.map((r) => r.path)).toEqual(['/robots.txt', '/secure']);
    expect(wire.violations).toEqual([]);
  });
});

describe('fetch with allowPrivateNetwork: loopback is reachable, link-local never', () => {
  let server: FaultServer;
  let fetcher: Fetcher;
  let wire: ReturnType<typeof tripwire>;

  beforeEach(async () => {
    server = await startFaultServer({ '/robots.txt': send(404, ''), '/page': send(200, '<p>local mirror</p>') });
    wire = tripwire(() => server.port, true);
    fetcher = createFetcher(testFetcherDeps(fakeClock(), { allowPrivateNetwork: true, lookup: testLookup, connect: wire.connect }));
  });
  afterEach(async () => {
    await fetcher.close();
    await server.close();
  });

  it('reaches a name that resolves to loopback', async () => {
    expect(await fetcher.get(`http://loopback.example.test:${server.port}/page`, { maxBytes: 1000 })).toMatchObject({ kind: 'ok' });
    expect(wire.violations).toEqual([]);
  });

  it.each([
    ['a name that resolves to cloud metadata', () => `http://metadata.example.test:${server.port}/latest/meta-data/`],
    ['an IP literal of cloud metadata', () => `http://169.254.169.254:${server.port}/latest/meta-data/`],
    ['an IPv6 link-local literal', () => `http://[fe80::1]:${server.port}/`],
  ])('refuses a redirect to %s and never connects there', async (_name, target) => {
    server.route('/moved', redirect(302, target()));
    const result = await fetcher.get(`http://loopback.example.test:${server.port}/moved`, { maxBytes: 1000 });
    expect(result).toMatchObject({ kind: 'unreadable', code: 'FETCH_PRIVATE_ADDRESS' });
    expect(result.kind === 'unreadable' && result.reason).toMatch(/link-local or special-purpose address/);
    expect(wire.asked.every((a) => a === '127.0.0.1')).toBe(true);
    expect(wire.violations).toEqual([]);
  });
});
