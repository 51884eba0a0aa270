import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import jsonFeedSchema from 'jsonfeed-schema/schema-v1.1.json' with { type: 'json' };
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../src/publish/index.js';
import { NEWSBOAT, XMLLINT, itWithClient, missingExecutable, missingFeedparser, runFeedparser, runNewsboat, runXmllint, serveDirectory } from './clients.js';
import { HOSTILE_SUMMARY_SHOWN, REALISTIC_ITEMS, hostileItem, longestItem, realisticInput } from './publish-items.js';

// The published files as real readers see them. Titles expected by each client come from the test
// inputs (a hostile item shows HOSTILE_SUMMARY_SHOWN), ids must survive exactly.

const items = [longestItem(), hostileItem(2), hostileItem(1), ...REALISTIC_ITEMS];
const expected = items.map((item) => ({
  id: item.id,
  title: `[${item.severity}] ${item.id.includes('/hostile-') ? HOSTILE_SUMMARY_SHOWN : item.summary}`,
  severity: item.severity,
  event: item.event,
  rights: item.licence.rights.includes('\u0010') ? item.licence.rights.replace('\u0010', '') : item.licence.rights,
}));

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'regwatch-publish-clients-'));
  await publish(dir, realisticInput({ items }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('xmllint', () => {
  for (const name of ['feed.xml', 'feed.atom']) {
    itWithClient(`xmllint --noout accepts ${name}`, missingExecutable(XMLLINT), () => {
      const result = runXmllint(join(dir, name));
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });
  }
});

describe('python3-feedparser', () => {
  for (const [name, version] of [
    ['feed.xml', 'rss20'],
    ['feed.atom', 'atom10'],
  ] as const) {
    itWithClient(`reads ${name} without bozo, every id, title, category and rights`, missingFeedparser(), () => {
      const parsed = runFeedparser(join(dir, name));
      expect(parsed.bozoException).toBeNull();
      expect(parsed.bozo).toBe(false);
      expect(parsed.version).toBe(version);
      expect(parsed.entries).toHaveLength(expected.length);
      expect(parsed.entries.map((e) => e.id)).toEqual(expected.map((e) => e.id));
      expect(parsed.entries.map((e) => e.title)).toEqual(expected.map((e) => e.title));
      expect(parsed.entries.map((e) => e.tags.map((t) => t.term))).toEqual(expected.map((e) => [e.severity, e.event]));
      expect(parsed.entries.map((e) => e.rights)).toEqual(expected.map((e) => e.rights));
      expect(parsed.entries[3]!.link).toBe('https://www.iso.org/standard/44545.html');
    });
  }
});

describe('rss-parser', () => {
  const parser = new Parser<Record<string, unknown>, { id?: string; 'dc:rights'?: string; 'dc:source'?: string; 'dcterms:license'?: string }>({
    customFields: { item: ['dc:rights', 'dc:source', 'dcterms:license'] },
  });

  it('reads the RSS: ids, titles and the dc/dcterms elements', async () => {
    const feed = await parser.parseString(readFileSync(join(dir, 'feed.xml'), 'utf8'));
    expect(feed.items.map((i) => i.guid)).toEqual(expected.map((e) => e.id));
    expect(feed.items.map((i) => i.title)).toEqual(expected.map((e) => e.title));
    const fdis = feed.items[3]!;
    expect(fdis['dc:rights']).toBe('ISO/IEC copyright — metadata only');
    expect(fdis['dc:source']).toBe('https://www.iso.org/standard/44545.html');
    expect(fdis['dcterms:license']).toBe('https://www.iso.org/terms-conditions-licence-agreement.html');
    // rss-parser gives a category with a domain attribute as xml2js's { _: text, $: attributes }.
    expect(fdis.categories).toEqual([
      { _: 'major', $: { domain: 'https://regwatch.dev/ns/severity' } },
      { _: 'fdis', $: { domain: 'https://regwatch.dev/ns/event' } },
    ]);
  });

  it('reads the Atom: ids, titles and links', async () => {
    const feed = await parser.parseString(readFileSync(join(dir, 'feed.atom'), 'utf8'));
    expect(feed.items.map((i) => i.id)).toEqual(expected.map((e) => e.id));
    expect(feed.items.map((i) => i.title)).toEqual(expected.map((e) => e.title));
    expect(feed.items[3]!.link).toBe('https://www.iso.org/standard/44545.html');
  });
});

describe('newsboat', () => {
  for (const name of ['feed.xml', 'feed.atom']) {
    itWithClient(
      `reloads ${name} over http from 127.0.0.1 and counts every item unread`,
      missingExecutable(NEWSBOAT),
      async () => {
        const server = await serveDirectory(dir);
        try {
          const result = await runNewsboat(server.url(name));
          expect(result.log).not.toMatch(/\] (USERERROR|CRITICAL|ERROR):/);
          expect(result.stderr).not.toMatch(/error/i);
          expect(result.log).toMatch(/parse_url: ret = 0/);
          expect(result.unread, result.stdout).toBe(expected.length);
        } finally {
          await server.close();
        }
      },
      60_000,
    );
  }
});

describe('JSON Feed 1.1 schema (jsonfeed-schema)', () => {
  it('feed.json validates against schema-v1.1.json', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(jsonFeedSchema);
    const feed = JSON.parse(readFileSync(join(dir, 'feed.json'), 'utf8'));
    expect(validate(feed), ajv.errorsText(validate.errors)).toBe(true);
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    // The schema can fail: a 1.0-style item without content is refused.
    expect(validate({ ...feed, items: [{ id: 'x' }] })).toBe(false);
  });
});
