import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Item } from '../src/model/item.js';
import type { Observation } from '../src/model/observation.js';
import { composeItem } from '../src/pipeline/compose.js';
import { classifyChange, classifyFirstObservation } from '../src/rules/classify.js';
import type { RuleContext as ClassifyContext } from '../src/model/rule.js';
import { HARMONIZED_RULES } from '../src/rules/harmonized-rules.js';
import { diffRecords } from '../src/rules/diff.js';
import { movedOnTheirOwn } from '../src/pipeline/related-moves.js';
import type { DocumentRecord } from '../src/model/record.js';
import { ISO_PAGE_LICENCE } from '../watchers/iso-page/index.js';
import { startHarness, type Harness } from './harness.js';
import { selectRows } from './helpers/database-file.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';

// One change, one item (spec/severity.md composing rule 1) across documents: the iso.org page of
// ISO 19115-1:2014 (53798) lists its amendment 80275, and a catalogue source following 53798 reports
// that amendment as its own record. When Amd 2 reaches 60.60 the amendment's own item says so; the
// parent's page must not make a second item saying the same thing. The pages are the real recordings
// (../shared/fixtures/iso-pages/iso-53798-*); the catalogue rows state the pages' facts in the real
// row format of ../shared/fixtures/iso-opendata.

const PAGE = '/standard/53798.html';
const DUMP = '/opendata/iso_deliverables_metadata.jsonl';

function row(id: number, reference: string, currentStage: number, supplementType: string | null): string {
  return JSON.stringify({
    id,
    deliverableType: 'IS',
    supplementType,
    reference,
    publicationDate: null,
    edition: 1,
    icsCode: ['35.240.70'],
    ownerCommittee: 'ISO/TC 211',
    currentStage,
    replaces: null,
    replacedBy: null,
    languages: ['en'],
    pages: null,
    scope: { en: `<p>SCOPE-SENTINEL-${id} stands for an abstract.</p>` },
  });
}

async function startSources(name: string): Promise<Harness> {
  return startHarness(name, (origin) => [
    { id: 'iso_19115_1', watcher: 'iso-page', url: `${origin}${PAGE}` },
    { id: 'iso_catalogue', watcher: 'iso-opendata', url: `${origin}${DUMP}`, committees: [], documents: [53798] },
  ]);
}

function day(h: Harness, page: string, rows: string[], at: string) {
  h.server.routes.set(PAGE, { file: fixturePath('iso-pages', `${page}.html`) });
  h.server.routes.set(DUMP, { body: `${rows.join('\n')}\n`, headers: { 'content-type': 'application/x-ndjson' } });
  return h.refreshAt(at);
}

const brief = (items: Item[]) => items.map((i) => [i.document?.key, i.event, i.severity]).sort();

describeWithFixtures('a related document’s move published as its own item is not a second item', () => {
  let h: Harness;
  let second: Item[];

  beforeAll(async () => {
    h = await startSources('related-only');
    await day(
      h,
      'iso-53798-2020-11-10',
      [row(53798, 'ISO 19115-1:2014', 9093, null), row(80275, 'ISO 19115-1:2014/Amd 2', 6000, 'Amd')],
      '2020-11-10T06:00:00Z',
    );
    ({ added: second } = await day(
      h,
      'iso-53798-2020-11-25',
      [row(53798, 'ISO 19115-1:2014', 9093, null), row(80275, 'ISO 19115-1:2014/Amd 2:2020', 6060, 'Amd')],
      '2020-11-25T06:00:00Z',
    ));
  });
  afterAll(async () => h?.close());

  it('Amd 2 reaching 60.60 is one item, on the amendment; none on ISO 19115-1:2014 whose page only shows it', () => {
    expect(brief(second)).toEqual([['iso:80275', 'amendment-published', 'major']]);
    expect(second[0]!.summary).toBe('ISO 19115-1:2014/Amd 2:2020: published [60.60], was under publication [60.00]');
  });

  it('files the amendment’s item under the page source too: its feed still shows the change', () => {
    expect(h.store.items({ source: 'iso_19115_1' }).items[0]!.id).toBe(second[0]!.id);
  });

  it('settles the page’s observation on that item, so no later refresh publishes it', async () => {
    const settled = selectRows(h.store.path, "SELECT item_id FROM observations WHERE source_id = 'iso_19115_1' ORDER BY id DESC LIMIT 1");
    expect(settled).toEqual([{ item_id: second[0]!.id }]);
    expect(selectRows(h.store.path, 'SELECT count(*) AS n FROM observations WHERE item_id IS NULL')).toEqual([{ n: 0 }]);
    const { added } = await day(
      h,
      'iso-53798-2021-01-21',
      [row(53798, 'ISO 19115-1:2014', 9093, null), row(80275, 'ISO 19115-1:2014/Amd 2:2020', 6060, 'Amd')],
      '2021-01-21T06:00:00Z',
    );
    expect(added).toEqual([]);
  });
});

describeWithFixtures('a document with news of its own keeps its item, without its related document’s move', () => {
  let h: Harness;
  let second: Item[];

  beforeAll(async () => {
    h = await startSources('related-mixed');
    // The page of 2019-01-23 is under review (90.20) and does not show Amd 2 yet; the next check
    // reads the page of 2020-11-25: confirmed (90.93) and Amd 2:2020 published, both at once.
    await day(
      h,
      'iso-53798-2019-01-23',
      [row(53798, 'ISO 19115-1:2014', 9020, null), row(80275, 'ISO 19115-1:2014/DAmd 2', 4020, 'Amd')],
      '2019-01-23T06:00:00Z',
    );
    ({ added: second } = await day(
      h,
      'iso-53798-2020-11-25',
      [row(53798, 'ISO 19115-1:2014', 9093, null), row(80275, 'ISO 19115-1:2014/Amd 2:2020', 6060, 'Amd')],
      '2020-11-25T06:00:00Z',
    ));
  });
  afterAll(async () => h?.close());

  it('ISO 19115-1:2014 is confirmed, naming the amendment’s publication in alsoEvents; the amendment has its own item', () => {
    expect(brief(second)).toEqual([
      ['iso:53798', 'confirmed', 'minor'],
      ['iso:80275', 'amendment-published', 'major'],
    ]);
    const parent = second.find((i) => i.document?.key === 'iso:53798')!;
    expect(parent.alsoEvents).toEqual(['amendment-published']);
    expect(parent.summary).toMatch(/^ISO 19115-1:2014: confirmed \[90\.93\], was /);
    expect(parent.summary).not.toContain('Amd 2');
    expect(parent.alsoSeenBy.map((s) => s.source)).toEqual(['iso_catalogue']);
    // the field change is still the page's fact
    expect(parent.changes).toContainEqual({ field: 'relations.amendment', before: null, after: 'ISO 19115-1:2014/Amd 2:2020 (published)' });
    // and the page source's feed shows both items
    expect(
      h.store
        .items({ source: 'iso_19115_1' })
        .items.slice(0, 2)
        .map((i) => i.document?.key)
        .sort(),
    ).toEqual(['iso:53798', 'iso:80275']);
  });
});

describe('which moves fold', () => {
  const context: ClassifyContext = { requirements: true, watchedKeys: new Set(), requirementsKeys: new Set(), requirementsReferences: new Set(), family: null };
  const parent: DocumentRecord = { key: 'iso:81230', reference: 'ISO/IEC 42001:2023', status: 'published', phase: 'published', stage: '60.60' };
  const amendmentOf = (status: 'under-development' | 'published', reference: string) => ({ kind: 'amendment' as const, key: 'iso:90001', reference, status });
  const amendment: DocumentRecord = {
    key: 'iso:90001',
    reference: 'ISO/IEC 42001:2023/DAmd 1',
    status: 'under-development',
    phase: 'approval',
    stage: '50.00',
  };

  function observe(before: DocumentRecord, after: DocumentRecord, sourceId = 'iso_42001'): Observation {
    return {
      sourceId,
      docKey: after.key,
      seq: 2,
      documentUrl: `https://www.iso.org/standard/${after.key.slice(4)}.html`,
      reference: after.reference,
      stage: after.stage ?? null,
      observedAt: '2026-03-01T06:00:00.000Z',
      classification: classifyChange(before, after, diffRecords(before, after), context, HARMONIZED_RULES),
      changes: diffRecords(before, after),
      provenance: {
        url: 'https://www.iso.org/',
        fetchedAt: '2026-03-01T06:00:00.000Z',
        httpStatus: 200,
        sha256: '0'.repeat(64),
        watcher: 'iso-page',
        watcherVersion: '1',
      },
      licence: ISO_PAGE_LICENCE,
    };
  }
  const parentBefore = { ...parent, relations: [amendmentOf('under-development', 'ISO/IEC 42001:2023/DAmd 1')] };
  const parentAfter = { ...parent, relations: [amendmentOf('published', 'ISO/IEC 42001:2023/Amd 1:2026')] };
  const onParent = observe(parentBefore, parentAfter);
  const onAmendment = observe(
    amendment,
    { ...amendment, reference: 'ISO/IEC 42001:2023/Amd 1:2026', status: 'published', phase: 'published', stage: '60.60' },
    'iso_catalogue',
  );

  it('the parent’s relation finding says which document it is about, and is critical for 42001', () => {
    expect(onParent.classification).toMatchObject({
      event: 'amendment-published',
      severity: 'critical',
      findings: [expect.objectContaining({ about: 'iso:90001' })],
    });
    expect(onAmendment.classification.findings).toBeUndefined();
  });

  it('folds the parent’s item only when the amendment moved on its own in the same run', () => {
    expect(composeItem([onParent], new Map(), movedOnTheirOwn([onParent, onAmendment]))).toEqual({ item: null, toldBy: ['iso:90001'], state: null });
    expect(composeItem([onParent], new Map(), movedOnTheirOwn([onParent]))).toMatchObject({
      item: { event: 'amendment-published', severity: 'critical' },
      toldBy: [],
    });
  });

  it('a first observation of the related document is no move of its own', () => {
    const first: Observation = { ...onAmendment, classification: classifyFirstObservation(amendment, 'baseline', context) };
    expect(movedOnTheirOwn([onParent, first]).has('iso:90001')).toBe(false);
  });

  it('two records that only name each other never fold each other away', () => {
    const back = observe(
      { ...amendment, relations: [{ kind: 'replaced-by', key: 'iso:81230', reference: 'ISO/IEC DIS 42001', status: 'under-development' }] },
      { ...amendment, relations: [{ kind: 'replaced-by', key: 'iso:81230', reference: 'ISO/IEC 42001:2023', status: 'published' }] },
    );
    const run = [onParent, back];
    expect(movedOnTheirOwn(run)).toEqual(new Set());
    expect(composeItem([onParent], new Map(), movedOnTheirOwn(run)).item?.event).toBe('amendment-published');
    expect(composeItem([back], new Map(), movedOnTheirOwn(run)).item?.event).toBe('new-edition');
  });
});
