import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../src/store/store.js';
import { databasePath } from '../src/runtime/open-runtime.js';
import type { SourceReport } from '../src/model/source-report.js';
import type { Item } from '../src/model/item.js';
import { startHarness, type Harness } from './harness.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';

// One item per document per run, whichever sources saw it: an iso.org page and the Open Data
// catalogue reporting the same document make one item with both provenances; when they disagree
// about the stage, sources.json says so. The page is the real recording of ISO 22934 (iso-74197);
// the catalogue row states the same facts in the real row format of ../shared/fixtures/iso-opendata.

const DUMP = '/opendata/iso_deliverables_metadata.jsonl';

function catalogueRow(stage: number, reference: string): string {
  return `${JSON.stringify({
    id: 74197,
    deliverableType: 'IS',
    supplementType: null,
    reference,
    publicationDate: null,
    edition: 1,
    icsCode: ['17.140.20'],
    ownerCommittee: 'ISO/TC 43/SC 1',
    currentStage: stage,
    replaces: null,
    replacedBy: null,
    languages: ['en', 'fr'],
    pages: { en: 4 },
    scope: { en: '<p>SCOPE-SENTINEL-74197 stands for an abstract.</p>' },
  })}\n`;
}

describeWithFixtures('one item per document per run across sources', () => {
  let h: Harness;
  let dataDir: string;
  let store: Store;
  const rounds: Item[][] = [];
  let sourcesAfterRound3: SourceReport[] = [];

  async function round(page: string, stage: number, reference: string, day: number): Promise<Item[]> {
    h.server.routes.set('/standard/74197.html', { file: fixturePath('iso-pages', `${page}.html`) });
    h.server.routes.set(DUMP, { body: catalogueRow(stage, reference), headers: { 'content-type': 'application/x-ndjson' } });
    return (await h.refreshAt(new Date(Date.UTC(2021, 3, day, 6)))).added;
  }

  beforeAll(async () => {
    h = await startHarness('merge', (origin) => [
      { id: 'iso_22934', watcher: 'iso-page', url: `${origin}/standard/74197.html` },
      { id: 'iso_catalogue', watcher: 'iso-opendata', url: `${origin}${DUMP}`, committees: [], documents: [74197] },
    ]);
    ({ dataDir, store } = h);
    rounds.push(await round('iso-74197-2021-03-18', 5020, 'ISO/FDIS 22934', 1));
    rounds.push(await round('iso-74197-2021-04-29', 6000, 'ISO 22934', 2));
    rounds.push(await round('iso-74197-2021-04-29', 6060, 'ISO 22934:2021', 3));
    sourcesAfterRound3 = (JSON.parse(readFileSync(join(dataDir, 'public', 'sources.json'), 'utf8')) as { sources: SourceReport[] }).sources;
    rounds.push(await round('iso-74197-2021-07-28', 6060, 'ISO 22934:2021', 4));
  });

  afterAll(async () => h?.close());

  it('merges a first observation by both sources into one baseline item', () => {
    expect(rounds[0]!.map((i) => [i.document?.key, i.event, i.source, i.alsoSeenBy.map((s) => s.source)])).toEqual([
      ['iso:74197', 'baseline', 'iso_22934', ['iso_catalogue']],
    ]);
  });

  it('merges the same stage move seen by both into one item carrying both provenances', () => {
    expect(rounds[1]!.length).toBe(1);
    const item = rounds[1]![0]!;
    expect([item.event, item.severity]).toEqual(['under-publication', 'major']);
    expect(item.provenance.watcher).toBe('iso-page');
    expect(item.alsoSeenBy).toEqual([{ source: 'iso_catalogue', provenance: expect.objectContaining({ watcher: 'iso-opendata', httpStatus: 200 }) }]);
    // the item belongs to both sources' feeds
    expect(store.items({ source: 'iso_catalogue' }).items.map((i) => i.id)).toContain(item.id);
    expect(store.items({ source: 'iso_22934' }).items.map((i) => i.id)).toContain(item.id);
  });

  it('records a disagreement on both sources when the catalogue is ahead of the page', () => {
    expect(rounds[2]!.map((i) => [i.source, i.event])).toEqual([['iso_catalogue', 'published']]);
    const byId = new Map(sourcesAfterRound3.map((s) => [s.id, s]));
    expect(byId.get('iso_22934')!.disagreements).toEqual([{ key: 'iso:74197', otherSource: 'iso_catalogue', field: 'stage', here: '60.00', there: '60.60' }]);
    expect(byId.get('iso_catalogue')!.disagreements).toEqual([{ key: 'iso:74197', otherSource: 'iso_22934', field: 'stage', here: '60.60', there: '60.00' }]);
  });

  it('makes no second item when the page catches up a day later: the page joins the published item', () => {
    expect(rounds[3]).toEqual([]);
    const published = rounds[2]![0]!;
    expect(store.items({ source: 'iso_22934' }).items.map((i) => i.id)).toContain(published.id);
    const sources = JSON.parse(readFileSync(join(dataDir, 'public', 'sources.json'), 'utf8')) as { sources: SourceReport[] };
    expect(sources.sources.flatMap((s) => s.disagreements)).toEqual([]);
  });

  it('keeps the catalogue scope out of the database and the feeds', () => {
    expect(readFileSync(databasePath(dataDir)).includes('SCOPE-SENTINEL')).toBe(false);
    expect(readFileSync(join(dataDir, 'public', 'changes.json')).includes('SCOPE-SENTINEL')).toBe(false);
  });
});
