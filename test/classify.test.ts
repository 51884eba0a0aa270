import { expect, it } from 'vitest';
import { extractIsoPage } from '../watchers/iso-page/extract.js';
import { canonicalRecord, type DocumentRecord } from '../src/model/record.js';
import { diffRecords } from '../src/rules/diff.js';
import { classifyChange } from '../src/rules/classify.js';
import type { RuleContext as ClassifyContext } from '../src/model/rule.js';
import { HARMONIZED_RULES } from '../src/rules/harmonized-rules.js';
import { describeWithFixtures, readFixture } from './fixtures.js';

// Each severity rule on real recorded pairs of iso.org pages (../shared/fixtures/README.md,
// "Real before/after sequences"): extract both, diff, classify, compare with spec/severity.md.

function record(file: string): DocumentRecord {
  const outcome = extractIsoPage(readFixture('iso-pages', `${file}.html`), { url: 'https://www.iso.org/standard/0.html' });
  if (outcome.kind !== 'records') throw new Error(`${file}: ${outcome.kind}: ${outcome.reason}`);
  return canonicalRecord(outcome.records[0]!);
}

const plain: ClassifyContext = { requirements: false, watchedKeys: new Set(), requirementsKeys: new Set(), requirementsReferences: new Set(), family: null };
const requirements: ClassifyContext = { ...plain, requirements: true };

interface Row {
  before: string;
  after: string;
  event: string;
  severity: string;
  context?: ClassifyContext;
  summary?: string;
  also?: string[];
}

const PAIRS: Row[] = [
  // iso-74197: a whole pipeline DIS → FDIS → under publication → published
  { before: 'iso-74197-2020-11-02', after: 'iso-74197-2021-02-11', event: 'fdis', severity: 'major' },
  {
    before: 'iso-74197-2021-02-11',
    after: 'iso-74197-2021-03-18',
    event: 'fdis',
    severity: 'major',
    // the page count appearing in the same run is folded into the stage event (spec: pages-changed)
    summary: 'ISO/FDIS 22934: FDIS ballot initiated [50.20], was FDIS registered for formal approval [50.00]; also pages 4, was none',
    also: ['pages-changed'],
  },
  { before: 'iso-74197-2021-03-18', after: 'iso-74197-2021-04-29', event: 'under-publication', severity: 'major' },
  { before: 'iso-74197-2021-04-29', after: 'iso-74197-2021-05-14', event: 'publication-date', severity: 'info' },
  { before: 'iso-74197-2021-05-14', after: 'iso-74197-2021-07-28', event: 'published', severity: 'major' },
  // iso-68766: a DIS becomes the published standard on the same URL
  { before: 'iso-68766-2019-07-18', after: 'iso-68766-2020-01-21', event: 'published', severity: 'major' },
  // iso-32579 + iso-80874: TS to be revised, its successor registered, progressing, then withdrawn and revised
  { before: 'iso-32579-2020-01-21', after: 'iso-32579-2020-10-30', event: 'revision-registered', severity: 'major' },
  { before: 'iso-32579-2020-10-30', after: 'iso-32579-2021-08-23', event: 'draft-progress', severity: 'minor' },
  { before: 'iso-32579-2023-07-15', after: 'iso-32579-2023-09-02', event: 'new-edition', severity: 'critical' },
  // iso-39229: withdrawn, replaced by the 2019 edition
  { before: 'iso-39229-2018-10-18', after: 'iso-39229-2019-01-23', event: 'new-edition', severity: 'critical' },
  // iso-77374: a project deleted
  { before: 'iso-77374-2019-09-03', after: 'iso-77374-2020-01-21', event: 'deleted', severity: 'minor' },
  // iso-85870: a DIS in ballot
  { before: 'iso-85870-2022-12-01', after: 'iso-85870-2023-02-03', event: 'dis-ballot', severity: 'major' },
  { before: 'iso-85870-2023-02-03', after: 'iso-85870-2023-04-30', event: 'draft-progress', severity: 'minor' },
  { before: 'iso-85870-2023-04-30', after: 'iso-85870-2023-07-11', event: 'draft-progress', severity: 'minor' },
  // iso-66197: a systematic review cycle, nothing else changing
  { before: 'iso-66197-2021-08-23', after: 'iso-66197-2023-05-11', event: 'review-started', severity: 'info' },
  { before: 'iso-66197-2021-08-23', after: 'iso-66197-2023-05-11', event: 'review-started', severity: 'minor', context: requirements },
  { before: 'iso-66197-2023-05-11', after: 'iso-66197-2023-09-11', event: 'review-closed', severity: 'info' },
  { before: 'iso-66197-2023-09-11', after: 'iso-66197-2023-10-14', event: 'confirmed', severity: 'minor' },
  // iso-27001 flagship: an amendment project appears on a requirements standard's page
  { before: 'iso-27001-flagship-2023-10-19', after: 'iso-27001-flagship-2023-11-14', event: 'amendment-registered', severity: 'minor' },
  { before: 'iso-27001-flagship-2023-10-19', after: 'iso-27001-flagship-2023-11-14', event: 'amendment-registered', severity: 'major', context: requirements },
  // iso-53798: an amendment appears on the parent page, then is published
  { before: 'iso-53798-2019-11-27', after: 'iso-53798-2019-12-19', event: 'amendment-registered', severity: 'minor' },
  { before: 'iso-53798-2020-11-10', after: 'iso-53798-2020-11-25', event: 'amendment-published', severity: 'major' },
  { before: 'iso-53798-2020-11-10', after: 'iso-53798-2020-11-25', event: 'amendment-published', severity: 'critical', context: requirements },
  // iso-78888: an amendment's own pipeline
  { before: 'iso-78888-2020-01-21', after: 'iso-78888-2020-10-30', event: 'fdis', severity: 'major' },
  { before: 'iso-78888-2021-12-14', after: 'iso-78888-2022-01-27', event: 'under-publication', severity: 'major' },
  { before: 'iso-78888-2022-01-27', after: 'iso-78888-2022-04-08', event: 'amendment-published', severity: 'major' },
  // iso-63598: confirmed standard's review closed, then a page count change
  { before: 'iso-63598-2020-01-22', after: 'iso-63598-2020-10-30', event: 'review-closed', severity: 'info' },
];

/** Pairs whose only differences are markup, price, a trailing slash or a label's wording. */
const NOISE: Array<[string, string]> = [
  ['iso-53798-2019-08-13', 'iso-53798-2019-11-27'],
  ['iso-53798-2020-10-30', 'iso-53798-2020-11-10'],
  ['iso-53798-2021-01-21', 'iso-53798-2021-03-25'],
  ['iso-53798-2021-03-25', 'iso-53798-2021-04-05'],
  ['iso-53798-2023-10-19', 'iso-53798-2023-12-15'],
  ['iso-53798-2023-12-15', 'iso-53798-2024-01-07'],
  ['iso-53798-2024-01-07', 'iso-53798-2024-02-02'],
  ['iso-53798-2024-02-02', 'iso-53798-2024-02-02-192503'],
  // redesigns of iso.org with the same facts: E1→E2, E2→E3, E3→E4, E4→E5, E5→E6
  ['iso-53798-2019-07-05', 'iso-53798-2019-08-13'],
  ['iso-53798-2020-11-25', 'iso-53798-2021-01-21'],
  ['iso-53798-2021-04-05', 'iso-53798-2022-09-06'],
  ['iso-53798-2022-09-06', 'iso-53798-2022-12-01'],
  ['iso-53798-2022-12-01', 'iso-53798-2023-10-19'],
  ['iso-23281-browserdom-2024-02-13', 'iso-23281-browserdom-2024-08-15'],
];

describeWithFixtures('severity rules on recorded iso.org pairs', () => {
  it.each(PAIRS)('$before → $after is $event ($severity)', ({ before, after, event, severity, context, summary, also }) => {
    const a = record(before);
    const b = record(after);
    const changes = diffRecords(a, b);
    expect(changes.length).toBeGreaterThan(0);
    const result = classifyChange(a, b, changes, context ?? plain, HARMONIZED_RULES);
    expect({ event: result.event, severity: result.severity }).toEqual({ event, severity });
    if (summary !== undefined) expect(result.summary).toBe(summary);
    if (also !== undefined) expect(result.alsoEvents).toEqual(also);
  });

  it.each(NOISE)('%s → %s changes nothing', (before, after) => {
    expect(diffRecords(record(before), record(after))).toEqual([]);
  });

  it('names the weaker events of the same run in the leading item (77374: deleted, edition corrected)', () => {
    const a = record('iso-77374-2019-09-03');
    const b = record('iso-77374-2020-01-21');
    const result = classifyChange(a, b, diffRecords(a, b), plain, HARMONIZED_RULES);
    expect(result.event).toBe('deleted');
    expect(result.summary).toMatch(/^ISO 10844:2014\/AWI Amd 1: project deleted \[20\.98\], was new project registered in TC\/SC work programme \[20\.00\]/);
    expect(result.effectiveDateKind).toBe('stage-date');
  });
});
