import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DocumentRecord } from '../src/model/record.js';
import type { ExtractOutcome } from '../watchers/kind.js';
import { keyOfIdentifier } from '../watchers/nist-csrc/identifier.js';
import { NIST_LICENCE } from '../watchers/nist-csrc/index.js';
import { classify, unlistedRecord } from '../watchers/nist-csrc/rules.js';
import { nistTechpubs, techpubsOptionsSchema, type TechpubsOptions } from '../watchers/nist-techpubs/index.js';
import { extractTechpubs } from '../watchers/nist-techpubs/extract.js';
import { readDate } from '../watchers/nist-techpubs/list.js';
import { FIXTURES_DIR, describeWithFixtures } from './fixtures.js';
import { NIST_MANIFEST } from './helpers/nist-replay.js';

// The nist-techpubs kind on NIST's own NIST-Tech-Pubs AI series list (../shared/fixtures/nist/techpubs:
// six commits of AI.html, 2023-02 → 2024-05, and RIS records), with the data slips NIST made.

const nistPresent = existsSync(NIST_MANIFEST);
const NIST_MISSING = `NIST recordings not found at ${join(FIXTURES_DIR, 'nist')} (set REGWATCH_FIXTURES or put ../shared beside the checkout): skipping`;
if (!nistPresent) console.warn(NIST_MISSING);

const URL = 'https://pages.nist.gov/NIST-Tech-Pubs/AI.html';

function extract(body: string, options: TechpubsOptions = {}) {
  return extractTechpubs(body, { url: URL, options, knownKeys: new Set(), scope: { keys: [], groups: [] } });
}

function records(body: string, options: TechpubsOptions = {}): DocumentRecord[] {
  const outcome = extract(body, options);
  if (outcome.kind !== 'records') throw new Error(`${outcome.kind}: ${outcome.reason}`);
  return outcome.records;
}

/** A list page the way NIST-Tech-Pubs writes one, for the shapes no recording has. */
function page(papers: string[], { heading = '<h3 class="type-head" id="AI">AI</h3>', notice = '' } = {}): string {
  return `<!DOCTYPE HTML><html><head><title>NIST Technical Publications List</title></head><body><div id="container"><section id="content">${notice}${heading}${papers.join('')}</section></div></body></html>`;
}
function paper({ title = 'A Title', date = '2023', number = 'NIST AI 100-1', doi = '10.6028/NIST.AI.100-1' } = {}): string {
  const span = (cls: string, label: string, text: string) => `<span class="${cls}"><label class="label">${label}</label>${text}</span><br>`;
  return `<div class="report-paper">${span('titles', 'Title:&nbsp;', title)}${span('publication_date', 'Date&nbsp;Published:&nbsp;', date)}${span('authors', 'Authors:&nbsp;', 'Someone')}${span('report-number', 'Report&nbsp;Number:&nbsp;', number)}${doi === '' ? '' : span('doi_data', 'doi:', doi)}</div>`;
}

describe('nist-techpubs declaration', () => {
  it('declares id, version, publisher, NIST’s licence, input, limit and the two NIST rules it can see', () => {
    expect(nistTechpubs).toMatchObject({ id: 'nist-techpubs', version: '3', publisher: 'NIST', input: 'text', maxResponseBytes: 2_000_000 });
    expect(nistTechpubs.licence).toBe(NIST_LICENCE);
    expect(nistTechpubs.rules).toHaveLength(2);
  });

  it('follows named publications, or every listed one when none is named', () => {
    expect(techpubsOptionsSchema.parse({})).toEqual({});
    expect(techpubsOptionsSchema.parse({ documents: ['NIST AI 100-1'] })).toEqual({ documents: ['NIST AI 100-1'] });
    expect(techpubsOptionsSchema.safeParse({ documents: [] }).success).toBe(false);
    expect(techpubsOptionsSchema.safeParse({ documents: ['AI RMF'] }).success).toBe(false);
    expect(techpubsOptionsSchema.safeParse({ series: ['AI'] }).success).toBe(false);
    expect(nistTechpubs.watches({ url: URL, options: {} }, new Set()).keys).toEqual([]);
    expect(nistTechpubs.watches({ url: URL, options: { documents: ['NIST AI 100-1', 'AI 600-1', 'NIST.AI.100-2e2023'] } }, new Set()).keys).toEqual([
      'nist:AI.100-1',
      'nist:AI.600-1',
      'nist:AI.100-2e2023',
    ]);
    expect(nistTechpubs.documentUrl('nist:AI.100-1', { url: URL, options: {} })).toBe('https://doi.org/10.6028/NIST.AI.100-1');
  });

  it('reads the list’s dates as precisely as they are written', () => {
    expect(['2023', 'January 2023', 'March 2023', 'Sept. 2024', 'January 17, 2023', '2024-07-26', 'soon', ''].map(readDate)).toEqual([
      '2023',
      '2023-01',
      '2023-03',
      '2024-09',
      '2023-01-17',
      '2024-07-26',
      undefined,
      undefined,
    ]);
  });

  it('calls a page that is not the list unreadable, and a list it cannot read extraction-failed', () => {
    const github404 = '<!DOCTYPE html><html><head><title>Page not found · GitHub Pages</title></head><body><h1>404</h1></body></html>';
    expect(extract(github404)).toEqual({
      kind: 'unreadable',
      reason: 'nist-techpubs: the body is not a NIST-Tech-Pubs list page ("Page not found · GitHub Pages")',
    });
    expect(extract(page([paper()], { heading: '' }))).toEqual({
      kind: 'extraction-failed',
      reason: 'nist-techpubs: no series heading (h3.type-head) in #content: has the page changed?',
    });
    expect(extract(page([]))).toEqual({
      kind: 'extraction-failed',
      reason: 'nist-techpubs: no entries (div.report-paper) under the AI heading: has the page changed?',
    });
    expect(extract(page([paper(), paper({ title: 'Orphan', number: 'to be assigned', doi: '' })]))).toEqual({
      kind: 'extraction-failed',
      reason: 'nist-techpubs: entry 2 ("Orphan") has neither a DOI nor a report number that names a publication',
    });
  });

  it('takes the identity from the DOI, the report number only without one', () => {
    const [fromNumber] = records(page([paper({ number: 'NIST AI 600-1', doi: '' })]));
    expect(fromNumber).toMatchObject({ key: 'nist:AI.600-1', reference: 'NIST AI 600-1', version: 'final' });
    const [fromDoi] = records(page([paper({ number: 'error: NIST AI NIST AI 100-2e2023 ipd', doi: '10.6028/NIST.AI.100-2e2023.ipd' })]));
    expect(fromDoi).toMatchObject({
      key: 'nist:AI.100-2e2023',
      reference: 'NIST AI 100-2e2023',
      version: 'ipd',
      status: 'under-development',
      phase: 'enquiry',
    });
    // The DOI names the final (no stage): a stray "ipd" in the report number does not make it a draft.
    const [final] = records(page([paper({ number: 'NIST AI NIST AI 100-2e2023 ipd', doi: '10.6028/NIST.AI.100-2e2023' })]));
    expect(final).toMatchObject({ key: 'nist:AI.100-2e2023', version: 'final', status: 'published' });
  });
});

interface ManifestRow {
  group: string;
  file: string;
  dir: string;
  recorded: string;
  change: string;
}

describeWithFixtures(`nist-techpubs on the recorded AI.html list${nistPresent ? '' : ` (${NIST_MISSING})`}`, () => {
  const rows = () =>
    (JSON.parse(readFileSync(NIST_MANIFEST, 'utf8')) as ManifestRow[])
      .filter((r) => r.group === 'techpubs:ai-list')
      .sort((a, b) => a.recorded.localeCompare(b.recorded));
  const body = (row: ManifestRow) => readFileSync(join(FIXTURES_DIR, 'nist', row.dir, row.file), 'utf8');

  it('reads every list NIST committed into one record per publication, its ipd and final as versions', () => {
    const [first, fixed, june, december, march] = rows().map((r) => extract(body(r))) as [
      ExtractOutcome,
      ExtractOutcome,
      ExtractOutcome,
      ExtractOutcome,
      ExtractOutcome,
    ];
    expect(first).toEqual({
      kind: 'records',
      records: [
        {
          key: 'nist:AI.100-1',
          reference: 'NIST AI 100-1',
          title: 'AI Risk Management Framework AI RMF (1.0)',
          status: 'published',
          phase: 'published',
          stageLabel: 'final',
          version: 'final',
          publicationDate: '2023',
          relations: [{ kind: 'version', reference: 'NIST AI 100-1 final', stageLabel: 'final', status: 'published', date: '2023' }],
        },
      ],
    });
    // "error: NIST AI 100-1" fixed the same day: the same record
    expect(fixed).toEqual(first);
    expect(june.kind === 'records' && june.records.map((r) => `${r.key} ${r.version} ${r.publicationDate}`)).toEqual([
      'nist:AI.100-1 final 2023',
      'nist:AI.100-2e2023 ipd 2023',
      'nist:AI.100-3 final 2023',
    ]);
    expect(december.kind === 'records' && december.records[0]).toMatchObject({
      title: 'Artificial Intelligence Risk Management Framework (AI RMF 1.0)',
      publicationDate: '2023-01',
    });
    expect(march.kind === 'records' && march.records.find((r) => r.key === 'nist:AI.100-2e2023')).toEqual({
      key: 'nist:AI.100-2e2023',
      reference: 'NIST AI 100-2e2023',
      title: 'Adversarial Machine Learning: A Taxonomy and Terminology of Attacks and Mitigations',
      status: 'published',
      phase: 'published',
      stageLabel: 'final',
      version: 'final',
      publicationDate: '2024',
      relations: [
        { kind: 'version', reference: 'NIST AI 100-2e2023 ipd', stageLabel: 'ipd', status: 'withdrawn', date: '2023-03' },
        { kind: 'version', reference: 'NIST AI 100-2e2023 final', stageLabel: 'final', status: 'published', date: '2024' },
      ],
    });
  });

  it('reports, commit by commit, only the draft released and the finals published; NIST’s slips and refinements are no event', () => {
    const events: string[] = [];
    let previous: Map<string, DocumentRecord> | null = null;
    for (const row of rows()) {
      const outcome = extract(body(row));
      if (outcome.kind !== 'records') {
        events.push(`${row.file}: ${outcome.kind}`);
        continue;
      }
      const now = new Map(outcome.records.map((r) => [r.key, r]));
      if (previous !== null) {
        for (const [key, after] of now) {
          const before = previous.get(key) ?? unlistedRecord(key);
          if (JSON.stringify(before) === JSON.stringify(after)) continue;
          const found = classify(nistTechpubs.rules, {
            before,
            after,
            changes: [],
            context: { requirements: false, watchedKeys: new Set(), requirementsKeys: new Set(), requirementsReferences: new Set(), family: null },
          });
          events.push(`${row.file}: ${key} ${found.map((f) => `${f.event} ${f.severity}: ${f.words}`).join(' | ') || 'changed, no event'}`);
        }
      }
      previous = now;
    }
    expect(events).toEqual([
      'nist-techpubs-ai-list-2023-06-26.html: nist:AI.100-2e2023 draft-released minor: initial public draft released 2023, was not listed',
      'nist-techpubs-ai-list-2023-06-26.html: nist:AI.100-3 final-published major: final published 2023, was not listed',
      // title rewritten, "2023" → "January 2023"
      'nist-techpubs-ai-list-2023-12-08.html: nist:AI.100-1 changed, no event',
      'nist-techpubs-ai-list-2024-03-13.html: nist:AI.100-2e2023 final-published major: final published 2024, was initial public draft',
      // "2023" → "March 2023", authors rewritten
      'nist-techpubs-ai-list-2024-03-13.html: nist:AI.100-3 changed, no event',
      'nist-techpubs-ai-list-2024-05-03.html: unreadable',
    ]);
  });

  it('calls the list that says it has moved (2024-05-03) unreadable, naming why', () => {
    const last = rows().at(-1)!;
    expect(extract(body(last))).toEqual({
      kind: 'unreadable',
      reason:
        'nist-techpubs: the list says it has moved ("List now available on the NIST Research Library\'s website", "List updated 2024-03-13-04:00"): a frozen copy would hide every later publication',
    });
  });

  it('follows only the publications named', () => {
    const march = rows().find((r) => r.file.includes('2024-03-13'))!;
    expect(records(body(march), { documents: ['AI 100-2e2023'] }).map((r) => r.key)).toEqual(['nist:AI.100-2e2023']);
    expect(records(body(march), { documents: ['NIST AI 600-1'] })).toEqual([]);
  });

  it('gives the RIS records’ broken report numbers the key of their DOI', () => {
    const ris = (JSON.parse(readFileSync(NIST_MANIFEST, 'utf8')) as ManifestRow[]).filter((r) => r.group.startsWith('techpubs:ris:'));
    expect(ris.length).toBeGreaterThanOrEqual(6);
    for (const row of ris) {
      const text = body(row);
      const field = (tag: string) => new RegExp(`^${tag}  - (.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
      expect(keyOfIdentifier(field('SN')), `${row.file} ${field('SN')}`).toBe(keyOfIdentifier(field('DO').replace(/^10\.6028\//, '')));
    }
  });
});
