import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.js';
import type { Item } from '../src/model/item.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

// A joint ISO/IEC standard is sold by both ISO and IEC: one document seen by two sources. An IEC
// webstore source that says it is `sameAs` the iso.org page's document reports under that document,
// so a change both see in one run is one item (alsoSeenBy), never two (spec/severity.md, "Other
// publishers"). The recordings hold no joint standard on both sites, so the two histories here are
// real pages of two documents standing in for the two views of one: the mechanism, not the facts.

describeWithFixtures('one document seen on iso.org and on the IEC webstore', () => {
  let h: Harness;
  const runs: Item[][] = [];

  beforeAll(async () => {
    h = await startHarness('joint', (origin) => [
      { id: 'iso_page', watcher: 'iso-page', url: `${origin}/standard/74197.html` },
      { id: 'iec_page', watcher: 'iec-webstore', url: `${origin}/publication/7479`, sameAs: 'iso:74197' },
    ]);
    const steps: Array<[string, string, string]> = [
      ['2020-11-02T06:00:00Z', 'iso-74197-2020-11-02', 'iec-pub-7479-2019-11-27'],
      ['2021-02-11T06:00:00Z', 'iso-74197-2021-02-11', 'iec-pub-7479-2020-10-28'], // both move the same day
      ['2021-03-18T06:00:00Z', 'iso-74197-2021-03-18', 'iec-pub-7479-2020-10-28'], // only the iso.org page moves
    ];
    for (const [at, iso, iec] of steps) {
      h.server.routes.set('/standard/74197.html', { file: fixturePath('iso-pages', `${iso}.html`) });
      h.server.routes.set('/publication/7479', { file: fixturePath('iec', `${iec}.html`) });
      runs.push((await h.refreshAt(at)).added);
    }
  }, 120_000);

  afterAll(async () => h?.close());

  it('baselines the document once, seen by both sources', () => {
    expect(runs[0]!.map((i) => [i.document?.key, i.event, i.source, i.alsoSeenBy.map((s) => s.source)])).toEqual([['iso:74197', 'baseline', 'iso_page', ['iec_page']]]);
  });

  it('makes one item of a run in which both sources saw the document change, the stronger change leading', () => {
    expect(runs[1]).toHaveLength(1);
    expect(runs[1]![0]).toMatchObject({ document: { key: 'iso:74197' }, event: 'fdis', severity: 'major', source: 'iso_page' });
    expect(runs[1]![0]!.alsoEvents).toContain('stability-date-changed');
    expect(runs[1]![0]!.alsoSeenBy.map((s) => s.source)).toEqual(['iec_page']);
  });

  it('files the joint item under both sources', () => {
    const ids = (source: string) => h.store.items({ source }).items.map((i) => i.id);
    expect(ids('iec_page')).toEqual(expect.arrayContaining(runs[1]!.map((i) => i.id)));
    expect(runs[2]!.map((i) => [i.source, i.alsoSeenBy.length])).toEqual([['iso_page', 0]]);
  });

  it('refuses sameAs on a catalogue source, which reports many documents', () => {
    expect(() => parseConfig({ sources: [{ id: 'c', watcher: 'iso-opendata', url: 'https://example.org/d.jsonl', committees: ['x'], sameAs: 'iso:1' }] })).toThrow(
      /sources\[0\]\.sameAs: only a source of one document/,
    );
  });
});
