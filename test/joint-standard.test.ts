import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.js';
import type { Item } from '../src/model/item.js';
import type { CheckOutcome } from '../src/pipeline/context.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

// One document, several sources (spec/severity.md, "Other publishers"): a change they see in one run
// is one item (alsoSeenBy), never two. An IEC publication's page and its history are two sources of
// one document; a joint ISO/IEC standard on the IEC webstore says it is the iso.org document with
// `sameAs`, and a page that turns out to show another document is refused, never merged.

describeWithFixtures('one document seen by two sources', () => {
  let h: Harness;
  const runs: Item[][] = [];

  beforeAll(async () => {
    h = await startHarness('two-views', (origin) => [
      { id: 'iec_160_page', watcher: 'iec-webstore', url: `${origin}/publication/160` },
      { id: 'iec_160_history', watcher: 'iec-webstore', url: `${origin}/webstore/webstore.nsf/AjaxRequestXML?Openagent&url=160` },
    ]);
    const steps: Array<[string, string, string]> = [
      ['2020-10-28T06:00:00Z', 'iec-pub-160-2020-10-28.html', 'iec-history-160-2020-10-28.xml'],
      ['2021-05-17T06:00:00Z', 'iec-pub-160-2021-03-25.html', 'iec-history-160-2021-05-17.xml'],
    ];
    for (const [at, page, history] of steps) {
      h.server.routes.set('/publication/160', { file: fixturePath('iec', page) });
      h.server.routes.set('/webstore/webstore.nsf/AjaxRequestXML', { file: fixturePath('iec', history), headers: { 'content-type': 'text/xml' } });
      runs.push((await h.refreshAt(at)).added);
    }
  }, 120_000);

  afterAll(async () => h?.close());

  it('baselines the publication once, seen by its page and its history', () => {
    expect(runs[0]!.map((i) => [i.document?.key, i.event, i.source, i.alsoSeenBy.map((s) => s.source)])).toEqual([
      ['iec:160', 'baseline', 'iec_160_page', ['iec_160_history']],
    ]);
  });

  it('files a change one of them saw under the document, once', () => {
    expect(runs[1]!.map((i) => [i.document?.key, i.event, i.source])).toEqual([['iec:160', 'amendment-published', 'iec_160_history']]);
  });
});

describeWithFixtures('a sameAs that names another document than the page shows', () => {
  let h: Harness;
  let outcomes: CheckOutcome[] = [];
  let added: Item[] = [];

  beforeAll(async () => {
    h = await startHarness('same-as', (origin) => [
      { id: 'iso_page', watcher: 'iso-page', url: `${origin}/standard/74197.html` },
      // IEC 80000-13 is not ISO 22934: a wrong publication id in a config
      { id: 'iec_page', watcher: 'iec-webstore', url: `${origin}/publication/7479`, sameAs: 'iso:74197' },
    ]);
    h.server.routes.set('/standard/74197.html', { file: fixturePath('iso-pages', 'iso-74197-2021-07-28.html') });
    h.server.routes.set('/publication/7479', { file: fixturePath('iec', 'iec-pub-7479-2019-11-27.html') });
    await h.refreshAt('2021-07-28T06:00:00Z'); // the iso.org page's baseline names the document
    ({
      result: { outcomes },
      added,
    } = await h.refreshAt('2021-07-29T06:00:00Z'));
  }, 60_000);

  afterAll(async () => h?.close());

  it('is refused as source health, naming both documents, and merges nothing', () => {
    expect(outcomes.find((o) => o.sourceId === 'iec_page')).toMatchObject({
      verdict: 'extraction-failed',
      detail: 'validate: the page shows IEC 80000-13:2008, not the document iso:74197 (ISO 22934:2021) its sameAs names',
    });
    expect(added).toEqual([]);
  });

  it('is refused on a catalogue source, which reports many documents', () => {
    expect(() =>
      parseConfig({ sources: [{ id: 'c', watcher: 'iso-opendata', url: 'https://example.org/d.jsonl', committees: ['x'], sameAs: 'iso:1' }] }),
    ).toThrow(/sources\[0\]\.sameAs: only a source of one document/);
  });
});
