import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordSchema, type DocumentRecord } from '../src/model/record.js';
import { openStore } from '../src/store/store.js';
import { extractIsoPage } from '../watchers/iso-page/extract.js';
import { extractOpenData } from '../watchers/iso-opendata/index.js';
import { describeWithFixtures, fixturePath, readFixture } from './fixtures.js';
import { checkState } from './helpers/check-state.js';

// Control characters (C0, DEL, C1) are refused in every string of a record: an ESC sequence in a
// reference reached the terminal through `refresh`, `changes` and `sources` (issue 8). A page or a
// row that carries one is extraction-failed, never a change.

const CONTROLS: Array<[string, string]> = [
  ['NUL', '\u0000'],
  ['BEL', '\u0007'],
  ['TAB', '\t'],
  ['LF', '\n'],
  ['ESC', '\u001b'],
  ['DEL', '\u007f'],
  ['NEL (C1)', '\u0085'],
  ['CSI (C1)', '\u009b'],
];

const tmp = mkdtempSync(join(tmpdir(), 'regwatch-controls-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describeWithFixtures('control characters in records', () => {
  // ISO 19115-1:2014 with its Amd 2 related: reference, title, committee and a relation's reference.
  const page = (): DocumentRecord => {
    const outcome = extractIsoPage(readFixture('iso-pages', 'iso-53798-2020-11-25.html'), { url: 'https://www.iso.org/standard/53798.html' });
    if (outcome.kind !== 'records') throw new Error(outcome.reason);
    return outcome.records[0]!;
  };

  const placements: Array<[string, (record: DocumentRecord, c: string) => DocumentRecord]> = [
    ['reference', (r, c) => ({ ...r, reference: `ISO 19115-1${c}[2J:2014` })],
    ['title', (r, c) => ({ ...r, title: `${r.title!}${c}[31m red` })],
    ['committee', (r, c) => ({ ...r, committee: `ISO/TC 211${c}x` })],
    ['a relation reference', (r, c) => ({ ...r, relations: r.relations!.map((rel) => ({ ...rel, reference: `${rel.reference}${c}x` })) })],
  ];

  it('reads the real record cleanly first', () => {
    const record = page();
    expect(recordSchema.safeParse(record).success).toBe(true);
    expect(record).toMatchObject({ title: expect.any(String), committee: expect.any(String), relations: expect.arrayContaining([expect.anything()]) });
  });

  it.each(placements.flatMap(([where, place]) => CONTROLS.map(([name, c]) => [name, where, place, c] as const)))(
    'refuses %s in %s',
    (_name, _where, place, c) => {
      expect(recordSchema.safeParse(place(page(), c)).success).toBe(false);
    },
  );

  it('an iso.org page whose reference carries an ESC sequence is extraction-failed, and the reason does not echo it', () => {
    const html = readFixture('iso-pages', 'iso-74197-2021-07-28.html').replaceAll('ISO 22934:2021', 'ISO 22934\u001b[2J:2021');
    const outcome = extractIsoPage(html, { url: 'https://www.iso.org/standard/74197.html' });
    expect(outcome.kind).toBe('extraction-failed');
    expect(outcome.kind === 'extraction-failed' && outcome.reason).toMatch(/reference: must be a single trimmed line without control characters/);
    expect(JSON.stringify(outcome)).not.toContain('\\u001b');
  });

  it('an Open Data row whose reference carries ESC or a C1 control is extraction-failed', async () => {
    const row = readFileSync(fixturePath('iso-opendata', 'opendata-iso_deliverables_metadata-62085.json'), 'utf8').trim();
    for (const escape of ['\\u001b[2J', '\\u009b2J', '\\u007f']) {
      const path = join(tmp, 'dump.jsonl');
      writeFileSync(path, `${row.replace('"reference":"ISO 9001:2015"', `"reference":"ISO 9001${escape}:2015"`)}\n`);
      const outcome = await extractOpenData(path, { committees: [], documents: [62085], knownKeys: new Set() });
      expect(outcome.kind, escape).toBe('extraction-failed');
      expect(outcome.kind === 'extraction-failed' && outcome.reason).toMatch(/id 62085: reference: must be a single trimmed line without control characters/);
    }
  });
});

describe('a baseline stored before control characters were refused', () => {
  it('is left out of the baselines instead of failing every refresh, sources.json and `regwatch sources`', () => {
    const store = openStore(':memory:');
    try {
      const clean: DocumentRecord = { key: 'iso:81230', reference: 'ISO/IEC 42001:2023', status: 'published', phase: 'published', stage: '60.60' };
      const stored: DocumentRecord = { key: 'iso:44545', reference: 'ISO/IEC 42005\u001b[2J:2025', status: 'published', phase: 'published', stage: '60.60' };
      const runId = store.beginRun('test', '2026-01-01T06:00:00.000Z');
      store.recordCheck({
        runId,
        sourceId: 's',
        checkedAt: '2026-01-01T06:00:00.000Z',
        verdict: 'changed',
        detail: null,
        url: 'https://www.iso.org/',
        httpStatus: 200,
        sha256: null,
        fetchedAt: null,
        baselines: [clean, stored],
        observations: () => [],
        readRevision: 0,
        code: null,
        state: checkState(),
      });
      expect([...store.baselines('s').keys()]).toEqual(['iso:81230']);
    } finally {
      store.close();
    }
  });
});
