import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startHarness, type Harness } from './harness.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';

// ISO Open Data across days, on the real row of ISO 9001:2015 (62085: replaces 46486 and 54538,
// replaced by 88464) and the real rows 88821 / 88915: a related row missing for a day is not a
// change; a document the user starts following is a baseline, not news.

const DUMP = '/opendata/iso_deliverables_metadata.jsonl';
/** The successor named by 62085's replacedBy, as a row in the same format (its real row is not among the fixtures). */
const successor = JSON.stringify({
  id: 88464,
  deliverableType: 'IS',
  supplementType: null,
  reference: 'ISO/DIS 9001',
  publicationDate: null,
  edition: 6,
  icsCode: ['03.120.10'],
  ownerCommittee: 'ISO/TC 176/SC 2',
  currentStage: 4020,
  replaces: [62085],
  replacedBy: null,
  languages: ['en'],
  pages: null,
  scope: { en: '<p>SCOPE-SENTINEL-88464</p>' },
});

describeWithFixtures('the catalogue across days', () => {
  const row62085 = readFileSync(fixturePath('iso-opendata', 'opendata-iso_deliverables_metadata-62085.json'), 'utf8').trim();
  const rows888 = readFileSync(fixturePath('iso-opendata', 'opendata-iso_deliverables_metadata-88821-88915.jsonl'), 'utf8').trim().split('\n');
  let h: Harness;
  const serve = (...rows: string[]) => h.server.routes.set(DUMP, { body: `${rows.join('\n')}\n`, headers: { 'content-type': 'application/x-ndjson' } });

  beforeAll(async () => {
    h = await startHarness('catalogue', (origin) => [
      { id: 'iso_catalogue', watcher: 'iso-opendata', url: `${origin}${DUMP}`, committees: [], documents: [62085] },
    ]);
  });
  afterAll(async () => h?.close());

  it('baselines the followed document and its successor on the first day', async () => {
    serve(row62085, successor, ...rows888);
    const { added } = await h.refreshAt('2026-01-01T06:00:00Z');
    expect(added.map((i) => [i.document?.key, i.event]).sort()).toEqual([
      ['iso:62085', 'baseline'],
      ['iso:88464', 'baseline'],
    ]);
  });

  it('a day without the successor row is source health, not a change of ISO 9001:2015', async () => {
    serve(row62085, ...rows888);
    const { result, added } = await h.refreshAt('2026-01-02T06:00:00Z');
    expect(added).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ verdict: 'unchanged', detail: 'not in the source: iso:88464' });
    expect(h.store.sourceState('iso_catalogue')?.lastDetail).toBe('not in the source: iso:88464');
  });

  it('its return is no change either', async () => {
    serve(row62085, successor, ...rows888);
    const { result, added } = await h.refreshAt('2026-01-03T06:00:00Z');
    expect(added).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ verdict: 'unchanged', detail: null });
  });

  it('a document the user starts following is a baseline, and so is a committee', async () => {
    h.config.sources[0]!.options.documents = [62085, 88821];
    let { added } = await h.refreshAt('2026-01-04T06:00:00Z');
    expect(added.map((i) => [i.document?.key, i.event])).toEqual([['iso:88821', 'baseline']]);
    h.config.sources[0]!.options.committees = ['ISO/IEC JTC 1/SC 29'];
    ({ added } = await h.refreshAt('2026-01-05T06:00:00Z'));
    expect(added.map((i) => [i.document?.key, i.event])).toEqual([['iso:88915', 'baseline']]);
  });

  it('a new row in a followed committee is news: new-project', async () => {
    const amendment2 = JSON.stringify({
      ...JSON.parse(rows888[1]!),
      id: 90123,
      reference: 'ISO/IEC 19566-7:2022/CD Amd 2',
      currentStage: 3020,
      publicationDate: null,
    });
    serve(row62085, successor, ...rows888, amendment2);
    const { added } = await h.refreshAt('2026-01-06T06:00:00Z');
    expect(added.map((i) => [i.document?.key, i.event, i.severity])).toEqual([['iso:90123', 'new-project', 'info']]);
  });

  it('a row that gives currentStage twice is extraction-failed, never a withdrawal', async () => {
    const twice = row62085.replace('"currentStage":9092', '"currentStage":9092,"currentStage":9599');
    serve(twice, successor, ...rows888);
    const { result, added } = await h.refreshAt('2026-01-07T06:00:00Z');
    expect(added).toEqual([]);
    expect(result.outcomes[0]).toMatchObject({ verdict: 'extraction-failed', detail: expect.stringMatching(/"currentStage" twice/) });
    expect(h.store.baselines('iso_catalogue').get('iso:62085')).toMatchObject({ stage: '90.92', status: 'published' });
  });
});

describeWithFixtures('the catalogue behind an ETag when the watch widens', () => {
  const row62085 = readFileSync(fixturePath('iso-opendata', 'opendata-iso_deliverables_metadata-62085.json'), 'utf8').trim();
  const rows888 = readFileSync(fixturePath('iso-opendata', 'opendata-iso_deliverables_metadata-88821-88915.jsonl'), 'utf8').trim().split('\n');
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('catalogue-etag', (origin) => [
      { id: 'iso_catalogue', watcher: 'iso-opendata', url: `${origin}${DUMP}`, committees: [], documents: [62085] },
    ]);
    // The same dump every day, under one ETag: the server answers 304 to a conditional GET.
    h.server.routes.set(DUMP, { body: `${[row62085, ...rows888].join('\n')}\n`, headers: { 'content-type': 'application/x-ndjson', etag: '"one-dump"' } });
  });
  afterAll(async () => h?.close());

  it('reads the unchanged dump again for a newly followed document, and baselines it', async () => {
    await h.refreshAt('2026-02-01T06:00:00Z');
    const quiet = await h.refreshAt('2026-02-02T06:00:00Z');
    expect(quiet.result.outcomes[0]).toMatchObject({ verdict: 'unchanged', detail: 'not modified (304)' });

    h.config.sources[0]!.options.documents = [62085, 88821];
    const { result, added } = await h.refreshAt('2026-02-03T06:00:00Z');
    expect(result.outcomes[0]!.detail).not.toBe('not modified (304)');
    expect(added.map((i) => [i.document?.key, i.event])).toEqual([['iso:88821', 'baseline']]);
  });
});
