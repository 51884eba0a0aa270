import { Feed } from 'feed';
import { describe, expect, it } from 'vitest';
import { PublishError, renderOutputs } from '../src/publish/index.js';
import { assertWellFormedXml } from '../src/publish/xml-check.js';
import { HOSTILE_SUMMARY, HOSTILE_SUMMARY_SHOWN, REALISTIC_ITEMS, hostileItem, longestItem, realisticInput } from './publish-items.js';
import { NS, childNamed, childrenNamed, parseXmlTree } from './publish-xml-tree.js';

// Strings that break naive XML writers, through every output. The expected text is written out by
// hand in publish-items.ts (HOSTILE_SUMMARY_SHOWN), not computed by the code under test.

const EXPECTED_TITLE = `[major] ${HOSTILE_SUMMARY_SHOWN}`;
// A raw `"` passes zod's url() but is not RFC 3986: it is published percent-encoded.
const HOSTILE_URL = 'https://www.iso.org/standard/44545.html?a=1&b=%3Cx%3E&c=%22q%22';
const input = realisticInput({ items: [longestItem(), hostileItem(2), hostileItem(1), ...REALISTIC_ITEMS] });
const files = renderOutputs(input);

// String.prototype.isWellFormed is ES2024 (present in Node 20, absent from the ES2022 lib).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('hostile strings', () => {
  it('leave no XML-illegal character, DEL or lone surrogate in any output', () => {
    for (const [name, text] of files) {
      expect(text, `${name} has a lone surrogate`).not.toMatch(LONE_SURROGATE);
      expect(text, name).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/);
    }
  });

  it('never write a raw `]]>` into XML', () => {
    expect(files.get('feed.xml')).not.toContain(']]>');
    expect(files.get('feed.atom')).not.toContain(']]>');
  });

  it('round-trip through an XML parser as the text a reader must show (RSS)', () => {
    const items = childrenNamed(childNamed(parseXmlTree(files.get('feed.xml')!), NS.none, 'channel'), NS.none, 'item');
    const hostile = items[1]!;
    expect(childNamed(hostile, NS.none, 'title').text).toBe(EXPECTED_TITLE);
    expect(childNamed(hostile, NS.none, 'link').text).toBe(HOSTILE_URL);
    expect(childNamed(hostile, NS.dc, 'rights').text).toBe('ISO/IEC © — "metadata" <only> & ]]> ]]>');
    expect(childNamed(hostile, NS.dcterms, 'license').text).toBe('https://example.org/licence?a=1&b=2');
    // The description is HTML carried as text: one more level of escaping, undone by the reader.
    expect(childNamed(hostile, NS.none, 'description').text).toContain('A]]&gt;B]]&gt;C &amp; D &lt; E');
  });

  it('round-trip through an XML parser, attributes and CR included (Atom)', () => {
    const entries = childrenNamed(parseXmlTree(files.get('feed.atom')!), NS.atom, 'entry');
    const hostile = entries[1]!;
    expect(childNamed(hostile, NS.atom, 'title').text).toBe(EXPECTED_TITLE);
    const hrefs = childrenNamed(hostile, NS.atom, 'link').map((l) => l.attributes.href);
    expect(hrefs).toEqual([HOSTILE_URL, HOSTILE_URL, 'https://example.org/licence?a=1&b=2']);
    expect(childNamed(hostile, NS.atom, 'summary').text).toContain('Before ]]> & <b>bold</b>\ttab\nnewline\r\ncrlf → After ]]>]]>');
  });

  it('reach the JSON outputs cleaned the same way', () => {
    const feed = JSON.parse(files.get('feed.json')!);
    expect(feed.items[1].title).toBe(EXPECTED_TITLE);
    const changes = JSON.parse(files.get('changes.json')!);
    expect(changes.items[1].summary).toBe(HOSTILE_SUMMARY_SHOWN);
    expect(changes.items[1].document.url).toBe(HOSTILE_URL);
    expect(changes.items[1].document.reference).toBe('ISO/IEC 42005 ]]> & <x> "r" \'s\' ]]>');
    expect(changes.items[1].changes[0].before).toBe('Before ]]> & <b>bold</b>\ttab\nnewline\r\ncrlf');
    expect(changes.items[1].changes[0].after).toBe('After ]]>]]> \'"\u202eRTL override');
  });

  it('keep every item of maximal length', () => {
    const changes = JSON.parse(files.get('changes.json')!);
    expect(changes.items[0].summary).toHaveLength(400);
    expect(changes.items[0].changes).toHaveLength(100);
    expect(changes.items[0].changes[99].before).toHaveLength(2000);
    expect(JSON.parse(files.get('feed.json')!).items).toHaveLength(6);
  });

  it('refuse an item that is empty once cleaned', () => {
    const onlyControls = hostileItem(3, '\u0000\u0001\u007f\ud800');
    expect(() => renderOutputs(realisticInput({ items: [onlyControls] }))).toThrow(/items\[0\].*summary/);
  });

  it('sanity: the raw hostile summary really holds what it claims', () => {
    expect(HOSTILE_SUMMARY).toMatch(LONE_SURROGATE);
    expect('🚀').not.toMatch(LONE_SURROGATE);
    expect(HOSTILE_SUMMARY.split(']]>')).toHaveLength(3);
  });
});

describe('the xml check', () => {
  // Why publish has its own writer: feed@6 escapes only the first `]]>` of a CDATA section
  // (xml-js's cdata.replace with a string pattern), so its RSS does not parse. If this starts
  // passing, feed has been fixed and the choice can be revisited.
  it('refuses what the feed package writes for a title with two `]]>`', () => {
    const feed = new Feed({ title: 't', id: 'http://127.0.0.1/', link: 'http://127.0.0.1/', updated: new Date(0), generator: false });
    feed.addItem({ title: 'a ]]> b ]]> c', id: 'tag:regwatch,2026:x/1', link: 'http://127.0.0.1/', date: new Date(0) });
    expect(() => assertWellFormedXml('feed.xml', feed.rss2())).toThrow(PublishError);
    expect(() => assertWellFormedXml('feed.xml', feed.rss2())).toThrow(/publish: feed\.xml does not parse/);
  });

  it('refuses an undeclared namespace prefix', () => {
    expect(() => assertWellFormedXml('feed.xml', '<rss><dc:rights>x</dc:rights></rss>')).toThrow(PublishError);
  });
});
