import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import { canonicalRecord, type DocumentRecord } from '../src/model/record.js';
import type { Finding, RuleContext } from '../src/model/rule.js';
import { classifyChange } from '../src/rules/classify.js';
import { diffRecords } from '../src/rules/diff.js';
import { iecWebstore } from '../watchers/iec-webstore/index.js';
import { extractIecWebstore } from '../watchers/iec-webstore/extract.js';
import type { ExtractOutcome } from '../watchers/kind.js';
import { FIXTURES_DIR, fixturePath, readFixture, describeWithFixtures } from './fixtures.js';

// The oracle is ../shared/fixtures/iec: real IEC webstore pages and history answers with their
// manifest (expected metadata as the page shows it, and the `change` column between consecutive
// recordings of the same URL). Nothing here is written by hand: every body is a recording.

const IEC_DIR = join(FIXTURES_DIR, 'iec');
const present = existsSync(join(IEC_DIR, 'manifest.json'));
if (!present) console.warn(`IEC webstore recordings not found at ${IEC_DIR} (set REGWATCH_FIXTURES or put ../shared beside the checkout): skipping`);

/** Rows in ../shared/fixtures/iec/manifest.json when this test was written (more may be added, never fewer). */
const RECORDED_ROWS = 78;

interface Link {
  reference: string;
  pubid: string;
}

interface PageMetadata {
  pubid: string;
  reference: string;
  status: string | null;
  subtitle: string | null;
  title: string;
  publicationDate: string | null;
  stabilityDate: string | null;
  withdrawalDate: string | null;
  edition: string | null;
  languages: string | null;
  committee: string | null;
  committeeTitle: string | null;
  ics: string[];
  pages: string | null;
  relations: { supersededBy: Link[]; amendedBy: Link[]; related: Link[]; relatedTruncated: boolean; notes: unknown[] };
}

interface HistoryRow {
  reference: string;
  pubDate: string | null;
  status: string;
  stage: string | null;
  edition: string | null;
  pubid: string | null;
}

interface HistoryMetadata {
  kind: 'history';
  pubid: string;
  error: string | null;
  rows: HistoryRow[] | null;
}

interface IecRow {
  group: string;
  file: string;
  url: string;
  era: string;
  abstract: boolean;
  change: string;
  metadata: PageMetadata | HistoryMetadata;
}

const rows: IecRow[] = present ? (JSON.parse(readFileSync(join(IEC_DIR, 'manifest.json'), 'utf8')) as IecRow[]) : [];
const rowByFile = new Map(rows.map((row) => [row.file, row]));
const isHistory = (row: IecRow): row is IecRow & { metadata: HistoryMetadata } => (row.metadata as HistoryMetadata).kind === 'history';
const pageRows = rows.filter((row) => !isHistory(row)) as Array<IecRow & { metadata: PageMetadata }>;
const historyRows = rows.filter(isHistory);

function outcomeOf(row: IecRow, url = row.url): ExtractOutcome {
  return extractIecWebstore(readFixture('iec', row.file), { url });
}

function recordOf(file: string): DocumentRecord {
  const row = rowByFile.get(file);
  if (row === undefined) throw new Error(`${file} is not in the IEC manifest`);
  const outcome = outcomeOf(row);
  if (outcome.kind !== 'records') throw new Error(`${file}: ${outcome.kind}: ${outcome.reason}`);
  expect(outcome.records, file).toHaveLength(1);
  return outcome.records[0]!;
}

/** The item's classification (event, effective date) of one move, for a document that is no requirements standard. */
function classified(before: DocumentRecord, after: DocumentRecord) {
  const context: RuleContext = {
    requirements: false,
    watchedKeys: new Set([after.key]),
    requirementsKeys: new Set(),
    requirementsReferences: new Set(),
    family: null,
  };
  return classifyChange(before, after, diffRecords(before, after), context, iecWebstore.rules);
}

function findingsOf(before: DocumentRecord, after: DocumentRecord, requirements = false): Finding[] {
  const context: RuleContext = {
    requirements,
    watchedKeys: new Set([after.key]),
    requirementsKeys: new Set(requirements ? [after.key] : []),
    requirementsReferences: new Set(),
    family: null,
  };
  return iecWebstore.rules.flatMap((rule) => {
    const result = rule({ before, after, changes: [], context });
    return result === null ? [] : Array.isArray(result) ? result : [result];
  });
}

const brief = (findings: Finding[]) => findings.map(({ event, severity }) => `${event}/${severity}`);

/** Top-level record fields that differ: what the common differ will see. */
function differingFields(a: DocumentRecord, b: DocumentRecord): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof DocumentRecord>;
  return [...keys].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key])).sort();
}

/** Consecutive recordings of the same URL (manifest order is recording order within a group). */
function consecutive(filter: (row: IecRow) => boolean): Array<[IecRow, IecRow]> {
  const selected = rows.filter(filter);
  return selected.flatMap((row, i) => {
    const previous = selected[i - 1];
    return previous !== undefined && previous.group === row.group ? [[previous, row] as [IecRow, IecRow]] : [];
  });
}

// The page's language names, mapped independently of the watcher.
const LANGUAGE_CODES: Readonly<Record<string, string>> = {
  English: 'en',
  French: 'fr',
  Spanish: 'es',
  German: 'de',
  Russian: 'ru',
  Italian: 'it',
  Portuguese: 'pt',
  Chinese: 'zh',
  Japanese: 'ja',
  Arabic: 'ar',
  Korean: 'ko',
};

/** Manifest `change` field names → the record fields they are. Related box, markup era and noise are no field. */
const CHANGE_FIELDS: Readonly<Record<string, keyof DocumentRecord | null>> = {
  title: 'title',
  publicationDate: 'publicationDate',
  stabilityDate: 'dates',
  withdrawalDate: 'dates',
  edition: 'edition',
  pages: 'pages',
  ics: 'ics',
  committee: 'committee',
  committeeTitle: 'committeeTitle',
  languages: 'languages',
  status: 'status',
  reference: 'reference',
  'relations.supersededBy': 'relations',
  'relations.related': null,
  'relations.amendedBy': null, // the box's amendments: not read (watchers/iec-webstore/page.ts)
  'markup era': null,
  noise: null,
};

function changedFields(change: string): string[] {
  const names = [...change.matchAll(/(?:^|;\s)([A-Za-z][A-Za-z. ]*?):\s/g)].map((match) => match[1]!);
  const unknown = names.filter((name) => !Object.hasOwn(CHANGE_FIELDS, name));
  if (unknown.length > 0) throw new Error(`manifest change names fields this test does not map: ${unknown.join(', ')}`);
  return [...new Set(names.map((name) => CHANGE_FIELDS[name]).filter((field): field is keyof DocumentRecord => field !== null && field !== undefined))].sort();
}

let rowsSeen = 0;

describeWithFixtures('iec-webstore watcher on recorded IEC webstore pages and history XML', () => {
  it('has a manifest row for every recording, in every markup era', () => {
    const bodies = readdirSync(IEC_DIR).filter((file) => /\.(html|xml)$/.test(file));
    expect(bodies.filter((file) => !rowByFile.has(file))).toEqual([]);
    expect(rows.filter((row) => !existsSync(fixturePath('iec', row.file))).map((row) => row.file)).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(RECORDED_ROWS);
    expect(new Set(rows.map((row) => row.era))).toEqual(new Set(['W1', 'W2', 'W3', 'W4', 'W5', 'H1', 'H2']));
  });

  describe('every publication page gives the manifest metadata', () => {
    it.each(pageRows.map((row) => [row.file, row] as const))('%s', (_file, row) => {
      rowsSeen += 1;
      const record = recordOf(row.file);
      const expected = row.metadata;
      expect(record.key).toBe(`iec:${expected.pubid}`);
      expect(record.reference).toBe(expected.reference);
      expect(record.title).toBe(expected.title);
      // The page never prints "Published": no marker means in force. A red "Redline version" subtitle is not a withdrawal.
      expect(record.status).toBe(expected.status === 'Withdrawn' ? 'withdrawn' : 'published');
      expect(record.phase).toBe(expected.status === 'Withdrawn' ? 'withdrawn' : 'published');
      if (expected.subtitle !== null) expect(record.reference).not.toContain(expected.subtitle);
      expect(record.edition).toBe(expected.edition === null ? undefined : Number(expected.edition));
      expect(record.publicationDate).toBe(expected.publicationDate ?? undefined);
      expect(record.dates?.stability).toBe(expected.stabilityDate ?? undefined);
      expect(record.dates?.withdrawal).toBe(expected.withdrawalDate ?? undefined);
      expect(record.committee).toBe(expected.committee ?? undefined);
      expect(record.committeeTitle).toBe(expected.committeeTitle ?? undefined);
      expect(record.ics).toEqual(expected.ics.length === 0 ? undefined : expected.ics);
      expect(record.pages).toBe(expected.pages === null ? undefined : Number(expected.pages));
      const languages = expected.languages?.split(/[/,]/).map((name) => LANGUAGE_CODES[name.trim()]);
      expect(record.languages).toEqual(languages === undefined || languages.includes(undefined) ? undefined : [...new Set(languages)].sort());
      // Successors come from "replaced by" notes; the related box (truncated, amendments included) is never read.
      const successors = expected.relations.supersededBy.map((link) => ({ kind: 'replaced-by', key: `iec:${link.pubid}`, reference: link.reference }));
      expect(record.relations ?? []).toEqual(successors);
    });
  });

  describe('every history answer gives the manifest rows, or is unreadable where the manifest records an error', () => {
    it.each(historyRows.map((row) => [row.file, row] as const))('%s', (_file, row) => {
      rowsSeen += 1;
      const expected = row.metadata;
      const outcome = outcomeOf(row);
      if (expected.error !== null) {
        expect(outcome.kind).toBe('unreadable');
        return;
      }
      expect(outcome.kind).toBe('records');
      const record = recordOf(row.file);
      const manifestRows = expected.rows ?? [];
      expect(record).toMatchObject({ key: `iec:${expected.pubid}`, status: 'published', phase: 'published' });
      // The record is the family's current edition: a PUBLISHED edition row, or what its PUBLISHED supplements amend.
      const published = manifestRows.filter((r) => r.status === 'PUBLISHED').map((r) => r.reference);
      expect(
        published.some((reference) => reference === record.reference || reference.startsWith(`${record.reference}/`)),
        record.reference,
      ).toBe(true);
      // Every relation is a manifest row, as the row says it…
      for (const relation of record.relations ?? []) {
        const source = manifestRows.find((r) => `iec:${r.pubid}` === relation.key);
        expect(source, relation.reference).toBeDefined();
        expect(relation.reference).toBe(source!.reference);
        expect(relation.status).toBe({ PUBLISHED: 'published', PREPARING: 'under-development' }[source!.status]);
        expect(relation.stageLabel).toBe(source!.status === 'PREPARING' ? (source!.stage ?? undefined) : undefined);
        expect(relation.date).toBe(source!.status === 'PUBLISHED' ? (source!.pubDate ?? undefined) : undefined);
      }
      // …and no new edition or amendment in preparation is dropped.
      const preparing = manifestRows.filter((r) => r.status === 'PREPARING').map((r) => `iec:${r.pubid}`);
      expect((record.relations ?? []).filter((r) => r.status === 'under-development').map((r) => r.key)).toEqual(expect.arrayContaining(preparing));
    });
  });

  it('saw every manifest row in the two tables above', () => {
    expect(rowsSeen).toBe(rows.length);
    expect(pageRows.length + historyRows.length).toBe(rows.length);
  });

  describe('consecutive recordings of a page differ only where the manifest says the page changed', () => {
    it.each(consecutive((row) => !isHistory(row)).map(([before, after]) => [after.file, before, after] as const))('%s', (_file, before, after) => {
      const [old, now] = [recordOf(before.file), recordOf(after.file)];
      expect(differingFields(old, now)).toEqual(changedFields(after.change));
      // Of those, the IEC rules speak only for the stability date; title and publication date are shared rows.
      const stabilityMoved = old.dates?.stability !== now.dates?.stability;
      expect(brief(findingsOf(old, now))).toEqual(stabilityMoved ? ['stability-date-changed/minor'] : []);
    });
  });

  describe('real before/after sequences', () => {
    it('IEC 80000-13:2008: yearly stability-date bumps are minor, and nothing else moves (its related box changing included)', () => {
      const bumps = consecutive((row) => row.group === 'iec:7479')
        .map(([before, after]) => findingsOf(recordOf(before.file), recordOf(after.file)))
        .filter((findings) => findings.length > 0);
      expect(bumps).toEqual(
        ['2020, was 2019', '2021, was 2020', '2022, was 2021', '2023, was 2022'].map((words) => [
          { event: 'stability-date-changed', severity: 'minor', words: `Stability date ${words}` },
        ]),
      );
      expect(recordOf('iec-pub-7479-2022-12-03.html')).toEqual(recordOf('iec-pub-7479-2022-09-04.html'));
    });

    it('IEC 60027-1:1992 and its AMD1: stability date 2021 → 2022 → 2023; the notes pointing to the consolidated version are no relation', () => {
      for (const group of ['iec:91', 'iec:88']) {
        const words = consecutive((row) => row.group === group).flatMap(([before, after]) =>
          findingsOf(recordOf(before.file), recordOf(after.file)).map((f) => f.words),
        );
        expect(words, group).toEqual(['Stability date 2022, was 2021', 'Stability date 2023, was 2022']);
      }
      expect(recordOf('iec-pub-91-2020-12-02.html').relations).toBeUndefined();
      expect(recordOf('iec-pub-88-2020-12-04.html').relations).toBeUndefined();
    });

    it('a "replaced by" note is read across the <br/> before its link, with or without a space (the notes\' template)', () => {
      const row = rowByFile.get('iec-pub-88-2020-12-04.html')!;
      const page = readFixture('iec', row.file);
      for (const [wording, partial] of [
        ['this publication has been partially replaced by ', true],
        ['this publication has been replaced by', false],
        ['this publication has been <strong>replaced</strong> by', false],
      ] as const) {
        const noted = page.replace(/Note: a consolidated version of\s+this publication exists\s*<br\/>/, `Note: ${wording}<br/>`);
        expect(noted).not.toBe(page);
        const outcome = extractIecWebstore(noted, { url: row.url });
        expect(outcome.kind === 'records' && outcome.records[0]!.relations, wording).toEqual([
          { kind: 'replaced-by', key: 'iec:92', reference: 'IEC 60027-1:1992+AMD1:1997+AMD2:2005 CSV', ...(partial && { partial: true }) },
        ]);
      }
    });

    /** IEC 60027-1:1992's page of 2023-02-03 with its note replaced by `note`. */
    function notedPage(note: string): string {
      const page = readFixture('iec', 'iec-pub-91-2023-02-03.html');
      const noted = page.replace(/Note: a more recent\s+version of this publication exists<br\/>\s*<a href="\/publication\/92">[^<]*<\/a>/, note);
      expect(noted).not.toBe(page);
      return noted;
    }

    it('a note added that the publication "has been partially replaced by" another says partially: critical, as a successor, but not called a replacement of the whole', () => {
      const url = rowByFile.get('iec-pub-91-2023-02-03.html')!.url;
      const before = recordOf('iec-pub-91-2023-02-03.html');
      const outcome = extractIecWebstore(notedPage('This publication has been partially replaced by <br/><a href="/publication/60010">IEC 80000-6:2022</a>'), {
        url,
      });
      expect(outcome.kind).toBe('records');
      // As the pipeline diffs and stores it: in canonical form.
      const after = canonicalRecord((outcome as { records: DocumentRecord[] }).records[0]!);
      expect(after.relations).toEqual([{ kind: 'replaced-by', key: 'iec:60010', reference: 'IEC 80000-6:2022', partial: true }]);
      expect(findingsOf(before, after)).toEqual([{ event: 'new-edition', severity: 'critical', words: 'partially replaced by IEC 80000-6:2022' }]);
      expect(diffRecords(before, after)).toContainEqual({ field: 'relations.replaced-by', before: null, after: 'IEC 80000-6:2022 (partial)' });

      // The note later says the whole is replaced: news, not a correction.
      const whole = extractIecWebstore(notedPage('This publication has been replaced by <br/><a href="/publication/60010">IEC 80000-6:2022</a>'), { url });
      const replaced = canonicalRecord((whole as { records: DocumentRecord[] }).records[0]!);
      expect(findingsOf(after, replaced)).toEqual([{ event: 'new-edition', severity: 'critical', words: 'replaced by IEC 80000-6:2022' }]);
    });

    it('a successor linked other than /publication/<id> is kept by its reference, never dropped', () => {
      const url = rowByFile.get('iec-pub-91-2023-02-03.html')!.url;
      const outcome = extractIecWebstore(
        notedPage('This publication has been replaced by <br/><a href="/webstore/webstore.nsf/ArtNum_PK/60011">IEC 80000-6:2022</a>'),
        { url },
      );
      expect(outcome.kind === 'records' && outcome.records[0]!.relations).toEqual([{ kind: 'replaced-by', reference: 'IEC 80000-6:2022' }]);
      // …but a link in the note that names no publication is no successor.
      const noted = extractIecWebstore(
        notedPage(
          'This publication has been replaced by <br/><a href="/publication/60010">IEC 80000-6:2022</a> <a href="/help/replacements">More information</a>',
        ),
        { url },
      );
      expect(noted.kind === 'records' && noted.records[0]!.relations).toEqual([{ kind: 'replaced-by', key: 'iec:60010', reference: 'IEC 80000-6:2022' }]);
    });

    it('a line break in the title is a space between its words', () => {
      const row = rowByFile.get('iec-pub-7479-2022-12-21.html')!;
      const page = readFixture('iec', row.file);
      const title = recordOf(row.file).title!;
      const split = title.replace(/: /, ':<br/>');
      expect(split).not.toBe(title);
      const broken = page.replace(`>${title}</h2>`, `>${split}</h2>`);
      expect(broken).not.toBe(page);
      const outcome = extractIecWebstore(broken, { url: row.url });
      expect(outcome.kind === 'records' && outcome.records[0]!.title).toBe(title);
    });

    it('IEC 61326-1:2020 RLV: the publication date corrected 2020-10-26 → 2020-10-25 is the only difference (the shared publication-date row)', () => {
      const [before, after] = [recordOf('iec-pub-67782-2021-02-01.html'), recordOf('iec-pub-67782-2021-03-11.html')];
      expect([before.publicationDate, after.publicationDate]).toEqual(['2020-10-26', '2020-10-25']);
      expect(differingFields(before, after)).toEqual(['publicationDate']);
      expect(findingsOf(before, after)).toEqual([]);
    });

    it('IEC 60050-102: AMD2 and AMD3 enter the related box of the page (no page change); the history shows AMD3 being published, then published', () => {
      const pages = ['iec-pub-160-2019-04-03.html', 'iec-pub-160-2020-10-28.html', 'iec-pub-160-2021-03-25.html'].map(recordOf);
      expect(pages[1]).toEqual(pages[0]);
      expect(pages[2]).toEqual(pages[1]);

      const [h1, h2, h3] = ['iec-history-160-2020-10-28.xml', 'iec-history-160-2021-03-19.xml', 'iec-history-160-2021-05-17.xml'].map(recordOf);
      expect(h1!.relations?.map((r) => r.reference)).toEqual(['IEC 60050-102:2007/AMD1:2017', 'IEC 60050-102:2007/AMD2:2020']);
      expect(findingsOf(h1!, h2!)).toEqual([{ event: 'under-publication', severity: 'major', words: 'amendment IEC 60050-102/AMD3: Being published [BPUB]' }]);
      expect(findingsOf(h2!, h3!)).toEqual([
        {
          event: 'amendment-published',
          severity: 'major',
          words: 'amendment IEC 60050-102:2007/AMD3:2021 published 2021-03-23, was Being published [BPUB]',
          publishedOn: '2021-03-23', // the item's effective date: the history gives the amendment's PUB_DATE
        },
      ]);
      expect(brief(findingsOf(h2!, h3!, true))).toEqual(['amendment-published/critical']);
    });

    it('IEC 60050-103: AMD4 being published [BPUB] → published 2021-09-03, major, critical for a requirements standard', () => {
      const [before, after] = [recordOf('iec-history-161-2021-08-26.xml'), recordOf('iec-history-161-2021-10-06.xml')];
      expect(findingsOf(before, after)).toEqual([
        {
          event: 'amendment-published',
          severity: 'major',
          words: 'amendment IEC 60050-103:2009/AMD4:2021 published 2021-09-03, was Being published [BPUB]',
          publishedOn: '2021-09-03',
        },
      ]);
      expect(brief(findingsOf(before, after, true))).toEqual(['amendment-published/critical']);
      // The item is dated by the amendment's publication, which the history gives; the history record has no date of its own.
      expect(classified(before, after)).toMatchObject({
        event: 'amendment-published',
        effectiveDate: '2021-09-03',
        effectiveDateKind: 'publication-date',
      });
    });

    it('a stability date bumped is no date of publication: the item has no effective date, not the 2008 publication date', () => {
      const [before, after] = [recordOf('iec-pub-7479-2019-11-27.html'), recordOf('iec-pub-7479-2020-10-28.html')];
      expect(after.publicationDate).toBe('2008-03-26');
      expect(classified(before, after)).toMatchObject({
        event: 'stability-date-changed',
        effectiveDate: null,
        effectiveDateKind: null,
      });
    });

    it('IEC 60050-103 history: old URL answers XML, then a 200 "Not Found" page (unreadable), then the new URL; the baseline carries across', () => {
      const notFound = outcomeOf(rowByFile.get('iec-history-161-2019-09-19.html')!);
      expect(notFound).toMatchObject({ kind: 'unreadable', reason: expect.stringContaining('Not Found') });
      const [before, after] = [recordOf('iec-history-161-2018-09-18.xml'), recordOf('iec-history-161-2020-10-28.xml')];
      expect(findingsOf(before, after).map((f) => f.words)).toEqual([
        'amendment IEC 60050-103:2009/AMD2:2019 published 2019-10-17',
        'amendment IEC 60050-103:2009/AMD3:2020 published 2020-09-23',
      ]);
    });

    it('IEC 60050-395: the new edition moves CDM → ACD → CD → (503 soft error) → ACDV, committee-stage progress each time', () => {
      const step = (beforeFile: string, afterFile: string) => findingsOf(recordOf(beforeFile), recordOf(afterFile));
      expect(step('iec-history-197-2020-12-17.xml', 'iec-history-197-2021-01-22.xml')).toEqual([
        { event: 'draft-progress', severity: 'minor', words: 'new edition IEC 60050-395: Approved for CD [ACD], was CD to be discussed at meeting [CDM]' },
      ]);
      expect(step('iec-history-197-2021-01-22.xml', 'iec-history-197-2021-05-17.xml')).toEqual([
        { event: 'draft-progress', severity: 'minor', words: 'new edition IEC 60050-395: Draft circulated as CD [CD], was Approved for CD [ACD]' },
      ]);
      const softError = outcomeOf(rowByFile.get('iec-history-197-2021-05-31.xml')!);
      expect(softError).toMatchObject({ kind: 'unreadable', reason: expect.stringContaining('503 https://oracle-api.iec.ch/') });
      // Diffed against the last good answer. ACDV is "Approved for CDV": the CDV is not out yet, so this is
      // still committee progress (30.99); the enquiry ballot (dis-ballot) opens with CCDV. See stages.ts.
      expect(step('iec-history-197-2021-05-17.xml', 'iec-history-197-2021-08-26.xml')).toEqual([
        { event: 'draft-progress', severity: 'minor', words: 'new edition IEC 60050-395: Approved for CDV [ACDV], was Draft circulated as CD [CD]' },
      ]);
      expect(recordOf('iec-history-197-2022-12-21.xml')).toEqual(recordOf('iec-history-197-2021-08-26.xml'));
    });

    it('IEC 61326-1: history rows reordered only: the same record', () => {
      expect(rowByFile.get('iec-history-67782-2021-05-31.xml')!.change).toBe('history rows: order changed');
      expect(recordOf('iec-history-67782-2021-05-31.xml')).toEqual(recordOf('iec-history-67782-2021-01-24.xml'));
    });

    it('no history record depends on the order of its rows (the recorded rows, reversed)', () => {
      for (const row of historyRows.filter((r) => r.metadata.error === null)) {
        const body = readFixture('iec', row.file);
        const rowsInOrder = body.match(/<ROW>[\s\S]*?<\/ROW>/g) ?? [];
        expect(rowsInOrder.length, row.file).toBeGreaterThan(0);
        const reversed = body.replace(rowsInOrder.join(''), [...rowsInOrder].reverse().join(''));
        expect(extractIecWebstore(reversed, { url: row.url }), row.file).toEqual(outcomeOf(row));
      }
    });

    it('the related box of IEC 60050-103 and IEC 60050-395 churns (truncation) while their records stay the same', () => {
      for (const group of ['iec:161', 'iec:197']) {
        const churn = consecutive((row) => row.group === group).filter(([, after]) => /relations\.(related|amendedBy)/.test(after.change));
        expect(churn.length, group).toBeGreaterThan(0);
        for (const [before, after] of churn) {
          expect(differingFields(recordOf(before.file), recordOf(after.file)), after.file).toEqual(changedFields(after.change));
          expect(findingsOf(recordOf(before.file), recordOf(after.file)), after.file).toEqual([]);
        }
      }
    });
  });

  describe('rules on records of real pages (the recordings hold no withdrawal or new edition as it happens)', () => {
    it('withdrawn: the page of IEC 80000-14:2008 against the same record still in force', () => {
      const withdrawnPage = recordOf('iec-pub-7480-2020-10-28.html');
      const inForce: DocumentRecord = { ...withdrawnPage, status: 'published', phase: 'published' };
      delete inForce.dates;
      expect(findingsOf(inForce, withdrawnPage)).toEqual([{ event: 'withdrawn', severity: 'critical', words: 'Withdrawn 2017-03-31' }]);
    });

    it('new-edition: the history of IEC 60050-395 when its edition 2.0 becomes the current edition', () => {
      const before = recordOf('iec-history-197-2022-12-21.xml');
      const after: DocumentRecord = { key: before.key, reference: 'IEC 60050-395:2024', status: 'published', phase: 'published', edition: 2 };
      expect(findingsOf(before, after)).toEqual([
        { event: 'new-edition', severity: 'critical', words: 'Edition 2.0, IEC 60050-395:2024 published, was IEC 60050-395:2014' },
      ]);
      // The same, for a history that named its current edition only undated (no amendment published yet).
      const undatedBefore: DocumentRecord = { ...before, reference: 'IEC 60050-395', relations: before.relations?.filter((r) => r.kind === 'replaced-by') };
      expect(brief(findingsOf(undatedBefore, after))).toEqual(['new-edition/critical']);
      expect(findingsOf(undatedBefore, { ...undatedBefore, reference: 'IEC 60050-395:2014' })).toEqual([]);
    });
  });

  describe('soft errors and bodies served in place of another', () => {
    it('answers recorded with HTTP 200 that are no history: unreadable, never a change', () => {
      for (const file of ['iec-history-161-2019-09-19.html', 'iec-history-197-2021-05-31.xml']) {
        expect(outcomeOf(rowByFile.get(file)!).kind, file).toBe('unreadable');
      }
    });

    it('a publication page at a history URL, and the history answers at a page URL, are unreadable', () => {
      const historyUrl = 'https://webstore.iec.ch/webstore/webstore.nsf/AjaxRequestXML?Openagent&url=160';
      expect(outcomeOf(rowByFile.get('iec-pub-160-2023-02-03.html')!, historyUrl).kind).toBe('unreadable');
      for (const file of ['iec-history-161-2019-09-19.html', 'iec-history-197-2021-05-31.xml']) {
        expect(outcomeOf(rowByFile.get(file)!, 'https://webstore.iec.ch/publication/197').kind, file).toBe('unreadable');
      }
    });

    it('a saved page read from a file (regwatch inspect) is keyed by its canonical link', () => {
      const outcome = outcomeOf(rowByFile.get('iec-pub-7188-2022-12-21.html')!, 'file:///tmp/saved.html');
      expect(outcome).toMatchObject({ kind: 'records', records: [{ key: 'iec:7188', reference: 'IEC TR 62547:2013' }] });
    });
  });

  describe('never an abstract', () => {
    it.each(pageRows.filter((row) => row.abstract).map((row) => [row.file, row] as const))('%s', (_file, row) => {
      const $ = load(readFixture('iec', row.file));
      const abstract = $('div[itemprop=description]')
        .text()
        .replace(/[\s\u00a0]+/g, ' ')
        .trim();
      expect(abstract.length).toBeGreaterThan(0);
      const sentences = abstract
        .split(/(?<=[.!?;:])\s+/)
        .map((sentence) => sentence.trim())
        .filter((sentence) => sentence.split(' ').length >= 4);
      expect(sentences.length).toBeGreaterThan(0);
      const stored = JSON.stringify(outcomeOf(row));
      // Indexes only: a failure must not print the abstract either.
      expect(sentences.map((sentence, i) => (stored.includes(sentence) ? i : -1)).filter((i) => i >= 0)).toEqual([]);
    });
  });

  describe('the declaration', () => {
    it('names the kind, its licence and its options', () => {
      expect(iecWebstore).toMatchObject({ id: 'iec-webstore', version: '3', publisher: 'IEC', input: 'text' });
      expect(iecWebstore.licence.tag).toBe('proprietary-metadata-only');
      expect(iecWebstore.licence.attribution).toMatch(/IEC/);
      expect(iecWebstore.options.safeParse({}).success).toBe(true);
      expect(iecWebstore.options.safeParse({ committee: 'TC 1' }).success).toBe(false);
      expect(iecWebstore.maxResponseBytes).toBeGreaterThan(100_000);
    });

    it('links a document to its webstore page and expects the pubid of the source URL, in every URL form', () => {
      const source = (url: string) => ({ url, options: {} });
      expect(iecWebstore.documentUrl('iec:160', source('https://webstore.iec.ch/publication/160'))).toBe('https://webstore.iec.ch/publication/160');
      expect(iecWebstore.watches(source('https://webstore.iec.ch/publication/160'), new Set()).keys).toEqual(['iec:160']);
      for (const row of historyRows) {
        expect(iecWebstore.watches(source(row.url), new Set()).keys, row.url).toEqual([`iec:${row.metadata.pubid}`]);
      }
      expect(iecWebstore.watches(source('https://webstore.iec.ch/searchform'), new Set()).keys).toEqual([]);
    });
  });
});
