import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import jsonFeedSchema from 'jsonfeed-schema/schema-v1.1.json' with { type: 'json' };
import Parser from 'rss-parser';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublishError, publish, renderFeeds } from '../src/publish/index.js';
import { changedFeedTopics, pingHub } from '../src/publish/websub.js';
import { NEWSBOAT, SYSTEM_PYTHON, itWithClient, missingExecutable, missingFeedparser, runNewsboat, serveDirectory } from './clients.js';
import { SITE, realisticInput } from './publish-items.js';
import { startReceiver, type Receiver } from './notify-receiver.js';

// WebSub links, the feeds' language, Atom's link order and the HTML description's whitespace, as
// real readers see them; and the hub ping against a loopback hub.

const HUB = 'https://websub.example.org/hub';
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'regwatch-websub-'));
  await publish(dir, realisticInput({ site: { ...SITE, websubHub: HUB } }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FEEDPARSER_LINKS = `
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({
  "bozo": bool(d.bozo),
  "language": d.feed.get("language"),
  "link": d.feed.get("link"),
  "links": [{"rel": l.get("rel"), "href": l.get("href")} for l in d.feed.get("links", [])],
}))
`;

function feedparserLinks(file: string): { bozo: boolean; language: string | null; link: string | null; links: Array<{ rel: string; href: string }> } {
  const run = spawnSync(SYSTEM_PYTHON, ['-c', FEEDPARSER_LINKS, file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`feedparser failed on ${file}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

describe('feeds read by python3-feedparser', () => {
  itWithClient('RSS: language en, rel="self" and rel="hub" atom:links', missingFeedparser(), () => {
    const parsed = feedparserLinks(join(dir, 'feed.xml'));
    expect(parsed.bozo).toBe(false);
    expect(parsed.language).toBe('en');
    expect(parsed.links).toEqual(
      expect.arrayContaining([
        { rel: 'self', href: 'http://127.0.0.1:8080/feed.xml' },
        { rel: 'hub', href: HUB },
      ]),
    );
  });

  itWithClient('Atom: xml:lang en; the site link is the home page, not the feed (alternate before self); hub beside self', missingFeedparser(), () => {
    const parsed = feedparserLinks(join(dir, 'feed.atom'));
    expect(parsed.bozo).toBe(false);
    expect(parsed.language).toBe('en');
    expect(parsed.link).toBe('http://127.0.0.1:8080/');
    expect(parsed.links.map((l) => [l.rel, l.href])).toEqual([
      ['alternate', 'http://127.0.0.1:8080/'],
      ['self', 'http://127.0.0.1:8080/feed.atom'],
      ['hub', HUB],
    ]);
  });
});

describe('feeds read by newsboat', () => {
  for (const name of ['feed.xml', 'feed.atom']) {
    itWithClient(
      `reloads ${name} with its hub link and language, every item unread`,
      missingExecutable(NEWSBOAT),
      async () => {
        const server = await serveDirectory(dir);
        try {
          const result = await runNewsboat(server.url(name));
          expect(result.log).not.toMatch(/\] (USERERROR|CRITICAL|ERROR):/);
          expect(result.unread, result.stdout).toBe(realisticInput().items.length);
        } finally {
          await server.close();
        }
      },
      60_000,
    );
  }
});

describe('feeds read by rss-parser', () => {
  const parser = new Parser();
  it('Atom: the feed link is the home page', async () => {
    const feed = await parser.parseString(readFileSync(join(dir, 'feed.atom'), 'utf8'));
    expect(feed.link).toBe('http://127.0.0.1:8080/');
  });

  it("the tag-stripped description keeps blocks and list items apart (rss-parser's contentSnippet)", async () => {
    const feed = await parser.parseString(readFileSync(join(dir, 'feed.xml'), 'utf8'));
    const snippet = feed.items[0]!.contentSnippet!;
    expect(snippet).toContain('[50.00]\nChanges\nstage: 50.00 → 50.20\nstageDate: 2025-01-20 → 2025-03-06');
    expect(snippet).not.toMatch(/\]Changes|50\.20stageDate|ProvenanceLicence/);
  });
});

describe('JSON Feed 1.1', () => {
  it('carries language and a WebSub hub, and still validates against schema-v1.1.json', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(jsonFeedSchema);
    const feed = JSON.parse(readFileSync(join(dir, 'feed.json'), 'utf8'));
    expect(validate(feed), ajv.errorsText(validate.errors)).toBe(true);
    expect(feed.language).toBe('en');
    expect(feed.hubs).toEqual([{ type: 'WebSub', url: HUB }]);
    expect(validate({ ...feed, hubs: [{ url: HUB }] })).toBe(false); // the schema checks hubs: a type is required
  });

  it('without a hub there is no hubs entry and no rel="hub" link', () => {
    const files = renderFeeds(realisticInput());
    expect(JSON.parse(files.get('feed.json')!)).not.toHaveProperty('hubs');
    expect(files.get('feed.xml')).not.toContain('rel="hub"');
    expect(files.get('feed.atom')).not.toContain('rel="hub"');
  });

  it('a bad hub URL or language refuses the publish', () => {
    expect(() => renderFeeds(realisticInput({ site: { ...SITE, websubHub: 'not a url' } }))).toThrow(PublishError);
    expect(() => renderFeeds(realisticInput({ site: { ...SITE, language: 'en"><x' } }))).toThrow(PublishError);
  });
});

describe('pingHub', () => {
  let hub: Receiver;
  let agent: Agent;
  beforeAll(async () => {
    hub = await startReceiver();
    agent = new Agent();
  });
  afterAll(async () => {
    await agent.close();
    await hub.close();
  });

  it('POSTs hub.mode=publish&hub.url=<topic>, form-encoded, once per changed feed', async () => {
    const written = ['feed.atom', 'changes.json', 'feed.xml'];
    const topics = changedFeedTopics('https://regwatch.example.org/watch', written);
    expect(topics).toEqual(['https://regwatch.example.org/watch/feed.xml', 'https://regwatch.example.org/watch/feed.atom']);
    expect(changedFeedTopics('https://regwatch.example.org/', ['feed.json'], 'sources/iso_42005')).toEqual([
      'https://regwatch.example.org/sources/iso_42005/feed.json',
    ]);
    expect(changedFeedTopics('https://regwatch.example.org/', ['sources.json'])).toEqual([]);

    hub.replies.push({ status: 204 }, { status: 202 });
    const pings = await pingHub(hub.url('/hub'), topics, { dispatcher: agent, userAgent: 'regwatch/test', now: () => 0 });
    expect(pings.map((p) => p.outcome)).toEqual([
      { ok: true, status: 204 },
      { ok: true, status: 202 },
    ]);
    const requests = hub.received.slice(-2);
    for (const [i, request] of requests.entries()) {
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
      const form = new URLSearchParams(request.body.toString('utf8'));
      expect([...form.entries()]).toEqual([
        ['hub.mode', 'publish'],
        ['hub.url', topics[i]],
      ]);
    }
  });

  it('a hub that refuses or is down is an outcome, not a crash', async () => {
    hub.replies.push({ status: 400, body: 'hub.url is not a topic here' }, { status: 503 });
    const pings = await pingHub(hub.url('/hub'), ['https://a.example/feed.xml', 'https://a.example/feed.atom'], {
      dispatcher: agent,
      userAgent: 'regwatch/test',
      now: () => 0,
    });
    expect(pings.map((p) => p.outcome)).toMatchObject([
      { ok: false, permanent: true, code: 'NOTIFY_HTTP_STATUS' },
      { ok: false, permanent: false, code: 'NOTIFY_SERVER_ERROR' },
    ]);
  });
});
