import { describe, expect, it } from 'vitest';
import { PublishError, renderFeeds, renderOutputs } from '../src/publish/index.js';
import { BASELINE_42001, FDIS_42005, HEALTH_42006, REALISTIC_ITEMS, SITE, SOURCES, realisticInput } from './publish-items.js';
import { NS, childNamed, childrenNamed, parseXmlTree, type XmlNode } from './publish-xml-tree.js';

// The five files against spec/outputs.md and the RSS 2.0 / RFC 4287 / JSON Feed 1.1 element names.

const files = renderOutputs(realisticInput());
const file = (name: string) => {
  const text = files.get(name as never);
  if (text === undefined) throw new Error(`${name} not rendered`);
  return text;
};

describe('renderOutputs', () => {
  it('renders exactly the five files of spec/outputs.md', () => {
    expect([...files.keys()].sort()).toEqual(['changes.json', 'feed.atom', 'feed.json', 'feed.xml', 'sources.json']);
  });

  it('is deterministic: the same input gives byte-identical files', () => {
    expect(renderOutputs(realisticInput())).toEqual(files);
    expect(renderOutputs(structuredClone(realisticInput()))).toEqual(files);
  });
});

describe('feed.xml (RSS 2.0)', () => {
  const rss = parseXmlTree(file('feed.xml'));
  const channel = childNamed(rss, NS.none, 'channel');
  const items = childrenNamed(channel, NS.none, 'item');
  const text = (node: XmlNode, uri: string, local: string) => childNamed(node, uri, local).text;

  it('has the channel facts, dated from generatedAt, not the clock', () => {
    expect(rss.attributes.version).toBe('2.0');
    expect(text(channel, NS.none, 'title')).toBe(SITE.title);
    expect(text(channel, NS.none, 'link')).toBe('http://127.0.0.1:8080/');
    expect(text(channel, NS.none, 'lastBuildDate')).toBe('Mon, 10 Mar 2025 06:00:12 GMT');
    expect(childNamed(channel, NS.atom, 'link').attributes).toMatchObject({ rel: 'self', href: 'http://127.0.0.1:8080/feed.xml' });
  });

  it('has one item per stored item, newest first, with title, link, guid and pubDate', () => {
    expect(items.map((i) => text(i, NS.none, 'guid'))).toEqual(REALISTIC_ITEMS.map((i) => i.id));
    const [fdis, health] = items as [XmlNode, XmlNode];
    expect(text(fdis, NS.none, 'title')).toBe('[major] ISO/IEC 42005: FDIS ballot initiated [50.20], was FDIS registered for formal approval [50.00]');
    expect(text(fdis, NS.none, 'link')).toBe('https://www.iso.org/standard/44545.html');
    expect(childNamed(fdis, NS.none, 'guid').attributes.isPermaLink).toBe('false');
    expect(text(fdis, NS.none, 'pubDate')).toBe('Mon, 10 Mar 2025 06:00:12 GMT');
    // A source-health item has no document: it links to the page that failed.
    expect(text(health, NS.none, 'link')).toBe('https://www.iso.org/standard/44546.html?lang=en&src=rw');
  });

  it('puts severity and event in categories, rights and source in dc:, the licence URI in dcterms:', () => {
    const [fdis, health] = items as [XmlNode, XmlNode];
    const categories = childrenNamed(fdis, NS.none, 'category').map((c) => [c.attributes.domain, c.text]);
    expect(categories).toEqual([
      ['https://regwatch.dev/ns/severity', 'major'],
      ['https://regwatch.dev/ns/event', 'fdis'],
    ]);
    expect(text(fdis, NS.dc, 'rights')).toBe('ISO/IEC copyright — metadata only');
    expect(text(fdis, NS.dc, 'source')).toBe('https://www.iso.org/standard/44545.html');
    expect(text(fdis, NS.dcterms, 'license')).toBe('https://www.iso.org/terms-conditions-licence-agreement.html');
    expect(childrenNamed(health, NS.dcterms, 'license')).toEqual([]); // no licence URI, no element
    expect(text(health, NS.dc, 'source')).toBe(HEALTH_42006.provenance.url);
  });

  it('describes the field changes, the labelled effective date, provenance and licence', () => {
    const description = text(items[0]!, NS.none, 'description');
    for (const fact of [
      'stage: 50.00 → 50.20',
      'publicationDate: 2025-07 → 2025-05',
      '2025-03-06 (stage date)',
      'https://www.iso.org/standard/44545.html fetched 2025-03-10T06:00:09Z, HTTP 200',
      FDIS_42005.provenance.sha256,
      'iso_opendata:',
      'ISO/IEC copyright — metadata only (proprietary-metadata-only)',
    ]) {
      expect(description).toContain(fact);
    }
    expect(text(items[2]!, NS.none, 'description')).toContain('2023-12 (publication date)');
  });
});

describe('feed.atom (RFC 4287)', () => {
  const feed = parseXmlTree(file('feed.atom'));
  const entries = childrenNamed(feed, NS.atom, 'entry');

  it('is an Atom feed with a stable id, self link and updated from the newest item', () => {
    expect(feed.uri).toBe(NS.atom);
    expect(childNamed(feed, NS.atom, 'id').text).toBe('http://127.0.0.1:8080/feed.atom');
    expect(childNamed(feed, NS.atom, 'updated').text).toBe(FDIS_42005.observedAt);
    expect(childNamed(childNamed(feed, NS.atom, 'author'), NS.atom, 'name').text).not.toBe('');
  });

  it('carries the same facts per entry as RSS', () => {
    expect(entries.map((e) => childNamed(e, NS.atom, 'id').text)).toEqual(REALISTIC_ITEMS.map((i) => i.id));
    const [fdis, health] = entries as [XmlNode, XmlNode];
    const links = (e: XmlNode) => childrenNamed(e, NS.atom, 'link').map((l) => [l.attributes.rel, l.attributes.href]);
    expect(links(fdis)).toEqual([
      ['alternate', 'https://www.iso.org/standard/44545.html'],
      ['related', 'https://www.iso.org/standard/44545.html'],
      ['license', 'https://www.iso.org/terms-conditions-licence-agreement.html'],
    ]);
    expect(links(health).map(([rel]) => rel)).toEqual(['alternate', 'related']);
    expect(childrenNamed(fdis, NS.atom, 'category').map((c) => [c.attributes.scheme, c.attributes.term])).toEqual([
      ['https://regwatch.dev/ns/severity', 'major'],
      ['https://regwatch.dev/ns/event', 'fdis'],
    ]);
    expect(childNamed(fdis, NS.atom, 'rights').text).toBe('ISO/IEC copyright — metadata only');
    expect(childNamed(fdis, NS.atom, 'updated').text).toBe('2025-03-10T06:00:12Z');
    expect(childNamed(fdis, NS.atom, 'summary').text).toContain('stage: 50.00 → 50.20');
  });
});

describe('feed.json (JSON Feed 1.1)', () => {
  const json = JSON.parse(file('feed.json'));

  it('is version 1.1 with one _regwatch extension object per item', () => {
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.feed_url).toBe('http://127.0.0.1:8080/feed.json');
    expect(json.home_page_url).toBe('http://127.0.0.1:8080/');
    const [fdis, health] = json.items;
    expect(fdis).toMatchObject({
      id: FDIS_42005.id,
      url: 'https://www.iso.org/standard/44545.html',
      date_published: '2025-03-10T06:00:12Z',
      tags: ['major', 'fdis'],
    });
    expect(fdis.content_text).toContain('stage: 50.00 → 50.20');
    expect(fdis._regwatch).toEqual({
      severity: 'major',
      event: 'fdis',
      alsoEvents: ['publication-date'],
      effectiveDate: '2025-03-06',
      effectiveDateKind: 'stage-date',
      changes: FDIS_42005.changes,
      provenance: FDIS_42005.provenance,
      alsoSeenBy: FDIS_42005.alsoSeenBy,
      licence: FDIS_42005.licence,
      source: 'iso_42005',
      document: FDIS_42005.document,
    });
    expect(health._regwatch.document).toBeNull();
    expect(health.url).toBe(HEALTH_42006.provenance.url);
  });
});

describe('changes.json and sources.json', () => {
  it('changes.json is {version:1, generatedAt, items} with every item, field for field', () => {
    expect(JSON.parse(file('changes.json'))).toEqual({ version: 1, generatedAt: '2025-03-10T06:00:12Z', items: REALISTIC_ITEMS });
  });

  it('sources.json is {version:1, generatedAt, sources}', () => {
    expect(JSON.parse(file('sources.json'))).toEqual({ version: 1, generatedAt: '2025-03-10T06:00:12Z', sources: SOURCES });
  });

  it('limits the three feeds to feedItems while changes.json keeps all items', () => {
    const limited = renderOutputs(realisticInput({ feedItems: 1 }));
    expect(JSON.parse(limited.get('feed.json')!).items.map((i: { id: string }) => i.id)).toEqual([FDIS_42005.id]);
    expect(childrenNamed(childNamed(parseXmlTree(limited.get('feed.xml')!), NS.none, 'channel'), NS.none, 'item')).toHaveLength(1);
    expect(childrenNamed(parseXmlTree(limited.get('feed.atom')!), NS.atom, 'entry')).toHaveLength(1);
    expect(JSON.parse(limited.get('changes.json')!).items).toHaveLength(3);
  });

  it('an empty store still gives valid feeds dated generatedAt', () => {
    const empty = renderOutputs(realisticInput({ items: [], sources: [] }));
    expect(childNamed(parseXmlTree(empty.get('feed.atom')!), NS.atom, 'updated').text).toBe('2025-03-10T06:00:12Z');
    expect(JSON.parse(empty.get('changes.json')!).items).toEqual([]);
  });
});

describe('refusals', () => {
  it('throws PublishError naming the item when one fails the Item schema', () => {
    const tooLong = { ...BASELINE_42001, summary: 'x'.repeat(401) };
    expect(() => renderOutputs(realisticInput({ items: [FDIS_42005, tooLong] }))).toThrow(PublishError);
    expect(() => renderOutputs(realisticInput({ items: [FDIS_42005, tooLong] }))).toThrow(/items\[1\].*summary/);
    const abstract = { ...FDIS_42005, abstract: 'This document provides guidance…' } as unknown as typeof FDIS_42005;
    expect(() => renderOutputs(realisticInput({ items: [abstract] }))).toThrow(PublishError);
  });

  it('throws when two items share an id, or generatedAt is not a date-time', () => {
    expect(() => renderOutputs(realisticInput({ items: [FDIS_42005, FDIS_42005] }))).toThrow(/repeats an id/);
    expect(() => renderOutputs(realisticInput({ generatedAt: 'yesterday' }))).toThrow(PublishError);
  });
});

describe('renderFeeds for per-source feeds', () => {
  it('renders the same feeds for a subset, with URLs under basePath', () => {
    const feeds = renderFeeds({ site: SITE, items: [FDIS_42005], feedItems: 10, generatedAt: '2025-03-10T06:00:12Z' }, { basePath: 'sources/iso_42005/' });
    expect([...feeds.keys()]).toEqual(['feed.xml', 'feed.atom', 'feed.json']);
    expect(JSON.parse(feeds.get('feed.json')!).feed_url).toBe('http://127.0.0.1:8080/sources/iso_42005/feed.json');
    expect(childNamed(parseXmlTree(feeds.get('feed.atom')!), NS.atom, 'id').text).toBe('http://127.0.0.1:8080/sources/iso_42005/feed.atom');
  });
});
