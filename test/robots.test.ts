import { describe, expect, it } from 'vitest';
import type { RobotsEntry } from '../src/fetch/index.js';
import { createRobotsPolicy, isAllowed, parseRobots, type RobotsFetchOutcome } from '../src/fetch/robots.js';
import { fakeClock, memoryStore } from './fault-server.js';
import { runHostileInputs } from './hostile-inputs.js';
import { openStore } from '../src/store/store.js';

// RFC 9309 examples and edge cases, as a table: robots.txt, path, expected verdict for `regwatch`.

const cases: Array<[string, string, string, boolean]> = [
  ['empty file allows everything', '', '/a', true],
  ['Disallow: / for everyone', 'User-agent: *\nDisallow: /', '/standard/81230.html', false],
  ['an empty Disallow allows', 'User-agent: *\nDisallow:', '/a', true],
  ['our group replaces the * group', 'User-agent: *\nDisallow: /\n\nUser-agent: regwatch\nAllow: /', '/a', true],
  ['our group, matched case-insensitively, with a version', 'User-agent: *\nAllow: /\n\nUser-agent: RegWatch/2.0\nDisallow: /', '/a', false],
  ["another bot's group does not apply", 'User-agent: googlebot\nDisallow: /', '/a', true],
  [
    'groups for the same agent are merged',
    'User-agent: regwatch\nDisallow: /a\n\nUser-agent: other\nDisallow: /\n\nUser-agent: regwatch\nDisallow: /b',
    '/b/1',
    false,
  ],
  ['several user-agent lines share one group', 'User-agent: other\nUser-agent: regwatch\nDisallow: /private', '/private/x', false],
  ['longest match wins: allow beats a shorter disallow', 'User-agent: *\nDisallow: /standard/\nAllow: /standard/81230', '/standard/81230.html', true],
  ['longest match wins: disallow beats a shorter allow', 'User-agent: *\nAllow: /standard/\nDisallow: /standard/8', '/standard/81230.html', false],
  ['a tie goes to allow', 'User-agent: *\nDisallow: /page\nAllow: /page', '/page', true],
  ['* matches any run', 'User-agent: *\nDisallow: /*.pdf', '/files/report.pdf', false],
  ['* in the middle', 'User-agent: *\nDisallow: /a*/c', '/a/b/b/c/d', false],
  ['$ anchors the end', 'User-agent: *\nDisallow: /*.html$', '/x.html', false],
  ['$ anchors the end: not a match with more after it', 'User-agent: *\nDisallow: /*.html$', '/x.html?lang=en', true],
  ['rules match the query too', 'User-agent: *\nDisallow: /*?sort=', '/list?sort=date', false],
  ['matching is case-sensitive in the path', 'User-agent: *\nDisallow: /Private', '/private', true],
  ['comments and odd spacing are ignored', '# hi\nuser-agent : *   # all\n  disallow :   /x  # no x\n', '/x/y', false],
  ['sitemap does not end a group', 'User-agent: *\nSitemap: https://e.test/s.xml\nDisallow: /x', '/x', false],
  ['rules before any user-agent are ignored', 'Disallow: /\nUser-agent: *\nAllow: /', '/a', true],
  ['percent-encoded unreserved characters compare decoded', 'User-agent: *\nDisallow: /%7Ejoe', '/~joe/a', false],
  ['non-ASCII rules compare percent-encoded', 'User-agent: *\nDisallow: /foo/bär', '/foo/b%C3%A4r', false],
  ['/robots.txt itself is always allowed', 'User-agent: *\nDisallow: /', '/robots.txt', true],
  ['CRLF line endings', 'User-agent: *\r\nDisallow: /a\r\n', '/a', false],
  ['a comment runs to the end of the line, past a U+2028 inside it', 'User-agent: *\nDisallow: /private# note\u2028more', '/private/x', false],
];

describe('parseRobots + isAllowed (RFC 9309)', () => {
  it.each(cases)('%s', (_name, text, path, allowed) => {
    expect(isAllowed(parseRobots(text), 'regwatch', path)).toBe(allowed);
  });

  it('reads a 512 KiB comment of # before a U+2028 in linear time (issue 8)', async () => {
    const name = 'robots.txt: a comment of # before U+2028';
    const run = await runHostileInputs([name], 40_000); // takes well under a second; /#.*$/ took minutes
    expect(run).toEqual({ answers: { [name]: false }, unfinished: [], killed: false, err: '' });
  });

  it('stays fast on a pathological wildcard pattern', () => {
    const file = parseRobots(`User-agent: *\nDisallow: /${'*a'.repeat(30)}b`);
    expect(isAllowed(file, 'regwatch', `/${'a'.repeat(5_000)}`)).toBe(true);
  });
});

describe('createRobotsPolicy: per-origin cache in the store', () => {
  function setup(answers: RobotsFetchOutcome[]) {
    const clock = fakeClock();
    const store = memoryStore();
    const asked: string[] = [];
    const policy = createRobotsPolicy({
      productToken: 'regwatch',
      store,
      now: clock.now,
      fetchRobots: async (url) => {
        asked.push(url.href);
        const next = answers.shift();
        if (next === undefined) throw new Error('fetchRobots called more often than the test expected');
        return next;
      },
    });
    return { clock, store, asked, policy };
  }
  const page = new URL('https://www.iso.org/standard/81230.html');

  it('fetches once per origin per day, also for concurrent checks', async () => {
    const { clock, store, asked, policy } = setup([
      { kind: 'response', status: 200, body: 'User-agent: *\nDisallow: /search' },
      { kind: 'response', status: 200, body: 'User-agent: *\nDisallow: /' },
    ]);
    const [a, b] = await Promise.all([policy.check(page), policy.check(page)]);
    expect(a).toEqual({ allowed: true });
    expect(b).toEqual({ allowed: true });
    expect(asked).toEqual(['https://www.iso.org/robots.txt']);
    expect(store.robots.get('https://www.iso.org')).toMatchObject({ status: 200 } satisfies Partial<RobotsEntry>);
    clock.advance(23 * 3_600_000);
    expect(await policy.check(page)).toEqual({ allowed: true });
    clock.advance(2 * 3_600_000);
    expect(await policy.check(page)).toMatchObject({ allowed: false, code: 'FETCH_ROBOTS', reason: `fetch: GET ${page.href} is disallowed by robots.txt` });
    expect(asked).toHaveLength(2);
  });

  it('4xx allows, 5xx and unreachable disallow; a failure is re-checked after an hour', async () => {
    const { clock, policy } = setup([
      { kind: 'response', status: 503, body: null },
      { kind: 'failed', code: 'FETCH_NETWORK', reason: 'fetch: GET https://www.iso.org/robots.txt failed: ECONNRESET' },
      { kind: 'response', status: 404, body: null },
    ]);
    expect(await policy.check(page)).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/^fetch: https:\/\/www\.iso\.org\/robots\.txt returned 503; RFC 9309/),
    });
    clock.advance(61 * 60_000);
    expect(await policy.check(page)).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/^fetch: connection reset \(ECONNRESET\): https:\/\/www\.iso\.org\/robots\.txt could not be fetched; RFC 9309/),
    });
    clock.advance(61 * 60_000);
    expect(await policy.check(page)).toEqual({ allowed: true });
  });

  it.each([
    [
      'a name that does not resolve (no network)',
      'FETCH_NETWORK',
      'fetch: GET https://www.iso.org/robots.txt failed: getaddrinfo ENOTFOUND www.iso.org',
      'name not resolved (getaddrinfo ENOTFOUND www.iso.org)',
    ],
    [
      'a resolver that cannot be reached',
      'FETCH_NETWORK',
      'fetch: GET https://www.iso.org/robots.txt failed: getaddrinfo EAI_AGAIN www.iso.org',
      'name not resolved (getaddrinfo EAI_AGAIN www.iso.org)',
    ],
    [
      'a refused connection',
      'FETCH_NETWORK',
      'fetch: GET https://www.iso.org/robots.txt failed: connect ECONNREFUSED 162.0.0.1:443',
      'connection refused (connect ECONNREFUSED 162.0.0.1:443)',
    ],
    ['a timeout', 'FETCH_TIMEOUT', 'fetch: GET https://www.iso.org/robots.txt timed out (Connect Timeout Error)', 'timed out (Connect Timeout Error)'],
    [
      'no route',
      'FETCH_NETWORK',
      'fetch: GET https://www.iso.org/robots.txt failed: connect ENETUNREACH 162.0.0.1:443',
      'network unreachable (connect ENETUNREACH 162.0.0.1:443)',
    ],
  ] as const)('says why robots.txt could not be fetched before what RFC 9309 makes of it: %s', async (_name, code, reason, why) => {
    const { policy, store, clock } = setup([{ kind: 'failed', code, reason }]);
    const expected = `fetch: ${why}: https://www.iso.org/robots.txt could not be fetched; RFC 9309 then counts every page of https://www.iso.org as disallowed, so GET ${page.href} was not attempted`;
    expect(await policy.check(page)).toEqual({ allowed: false, code: 'FETCH_ROBOTS', reason: expected });
    // The cached verdict keeps saying why.
    clock.advance(30 * 60_000);
    expect(await policy.check(new URL('https://www.iso.org/standard/44545.html'))).toMatchObject({ reason: expect.stringContaining(`fetch: ${why}: `) });
    expect(store.robots.get('https://www.iso.org')).toMatchObject({ status: 0, failure: why });
  });

  it('the SQLite host state keeps why robots.txt could not be fetched', () => {
    const store = openStore(':memory:');
    try {
      store.hostState.setRobots('https://www.iso.org', {
        fetchedAt: 1,
        status: 0,
        body: null,
        failure: 'name not resolved (getaddrinfo ENOTFOUND www.iso.org)',
      });
      expect(store.hostState.getRobots('https://www.iso.org')).toEqual({
        fetchedAt: 1,
        status: 0,
        body: null,
        failure: 'name not resolved (getaddrinfo ENOTFOUND www.iso.org)',
      });
      store.hostState.setRobots('https://www.iso.org', { fetchedAt: 2, status: 200, body: '' });
      expect(store.hostState.getRobots('https://www.iso.org')).toEqual({ fetchedAt: 2, status: 200, body: '' });
    } finally {
      store.close();
    }
  });

  it('treats 429 as unreachable, not as a missing file', async () => {
    const { policy } = setup([{ kind: 'response', status: 429, body: null }]);
    expect(await policy.check(page)).toMatchObject({ allowed: false });
  });

  it.each(['FETCH_PRIVATE_ADDRESS', 'FETCH_NOT_BEFORE', 'FETCH_ABORTED'] as const)('passes %s through and does not cache it', async (code) => {
    const { store, policy } = setup([{ kind: 'failed', code, reason: `fetch: ${code}` }]);
    expect(await policy.check(page)).toEqual({ allowed: false, code, reason: `fetch: ${code}` });
    expect(store.robots.size).toBe(0);
  });
});
