import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import { recordSchema, type DocumentRecord, type Phase, type Relation, type Status } from '../src/model/record.js';
import type { Finding, Rule, RuleContext } from '../src/model/rule.js';
import { cenProjectKind, type CenProjectOptions } from '../watchers/cen-project/index.js';
import { extractCenProject } from '../watchers/cen-project/extract.js';
import { parsePage } from '../watchers/cen-project/page.js';
import { statusFromWords } from '../watchers/cen-project/status-words.js';
import { FIXTURES_DIR, fixturesPresent, readFixture, describeWithFixtures } from './fixtures.js';
import { FIELD_RULES } from '../src/rules/common-rules.js';
import { classifyFirstObservation } from '../src/rules/classify.js';

// The oracle is fixtures/cen/manifest.json: real CEN-CENELEC project pages recorded 2021–2026 (eras
// C1, C2 and C3 in both serialisations), with the metadata read off each page by hand and a `change`
// column against the previous recording of the same page. The pages are read from ../shared at run
// time, never copied here (most carry CEN's copyrighted scope text).

const CEN_MANIFEST = join(FIXTURES_DIR, 'cen', 'manifest.json');
const cenPresent = fixturesPresent && existsSync(CEN_MANIFEST);
if (!cenPresent) console.warn(`CEN-CENELEC recordings not found at ${CEN_MANIFEST}: skipping the cen-project tests that read them`);

interface ProjectMetadata {
  project: string;
  committee: string;
  committeeTitle: string;
  reference: string;
  title: string;
  workItem: string;
  status: string;
  stage: null;
  referenceDocument: string | null;
  ics: string[] | null;
  dates: Record<'dor' | 'dav' | 'doa' | 'dop' | 'dow', string | null>;
  edition: null;
  legal: { directives: string | null; mandates: string | null; ojeuCitation: string | null };
  relations: Record<'supersedes' | 'supersededBy', Array<{ reference: string; project: string }>>;
}

interface CenRow {
  group: string;
  file: string;
  dir: string;
  url: string;
  change: string;
  abstract: boolean;
  era: 'C1' | 'C2' | 'C3';
  variant?: 'plain' | 'xml-serialised';
  httpStatus: number;
  metadata: ProjectMetadata | { kind: 'search-results' | 'redirect-page' | 'error-page' };
}

/**
 * Where a manifest expectation is wrong by the page's own evidence, the row goes here with that
 * evidence instead of bending the test. None so far: every expectation matched the page.
 */
const KNOWN_MANIFEST_DISCREPANCIES: Readonly<Record<string, { claim: string; pageEvidence: string }>> = {};

const rows: CenRow[] = cenPresent ? (JSON.parse(readFileSync(CEN_MANIFEST, 'utf8')) as CenRow[]) : [];
const projectRows = rows.filter((row) => row.group.startsWith('cen:'));
const rowByFile = new Map(rows.map((row) => [row.file, row]));

/** CEN's status vocabulary (the search form's), as the record's status, phase and words. */
const STATUS_WORDS: Readonly<Record<string, { status: Status; phase: Phase }>> = {
  'Preliminary Stage': { status: 'under-development', phase: 'proposal' },
  Preliminary: { status: 'under-development', phase: 'proposal' },
  'Under Draft': { status: 'under-development', phase: 'drafting' },
  'Under Enquiry': { status: 'under-development', phase: 'enquiry' },
  'Under Approval (Under Enquiry)': { status: 'under-development', phase: 'enquiry' },
  'Under Approval': { status: 'under-development', phase: 'approval' },
  Approved: { status: 'under-development', phase: 'publishing' },
  Published: { status: 'published', phase: 'published' },
  Withdrawn: { status: 'withdrawn', phase: 'withdrawn' },
};

const NO_OPTIONS: CenProjectOptions = {};
const outcomes = new Map<string, ReturnType<typeof extractCenProject>>();

function outcomeOf(row: CenRow, options: CenProjectOptions = NO_OPTIONS) {
  if (options !== NO_OPTIONS)
    return extractCenProject(readFixture(row.dir, row.file), { url: row.url, options, knownKeys: new Set(), scope: { keys: [], groups: [] } });
  let outcome = outcomes.get(row.file);
  if (outcome === undefined) {
    outcome = extractCenProject(readFixture(row.dir, row.file), { url: row.url, options, knownKeys: new Set(), scope: { keys: [], groups: [] } });
    outcomes.set(row.file, outcome);
  }
  return outcome;
}

function extract(row: CenRow): DocumentRecord {
  const outcome = outcomeOf(row);
  if (outcome.kind !== 'records') throw new Error(`${row.file}: ${outcome.kind}: ${outcome.reason}`);
  expect(outcome.records).toHaveLength(1);
  return outcome.records[0]!;
}

function recordOf(file: string): DocumentRecord {
  const row = rowByFile.get(file);
  if (row === undefined) throw new Error(`${file} is not in the manifest`);
  return extract(row);
}

function extractBody(body: string, url: string, options: CenProjectOptions = NO_OPTIONS) {
  return extractCenProject(body, { url, options, knownKeys: new Set(), scope: { keys: [], groups: [] } });
}

/** The manifest's page words in the record's types. */
function expectedRecord(metadata: ProjectMetadata): DocumentRecord {
  const words = STATUS_WORDS[metadata.status];
  if (words === undefined) throw new Error(`status "${metadata.status}" is not CEN vocabulary`);
  const dateNames = { dor: 'ratification', dav: 'availability', doa: 'announcement', dop: 'nationalPublication', dow: 'nationalWithdrawal' } as const;
  const dates = Object.fromEntries(
    Object.entries(metadata.dates)
      .filter(([, value]) => value !== null)
      .map(([name, value]) => [dateNames[name as keyof typeof dateNames], value]),
  );
  const list = (cell: string | null) => (cell === null ? undefined : cell.split(/\s*,\s*/));
  const legal = withoutAbsent({
    directives: list(metadata.legal.directives),
    mandates: list(metadata.legal.mandates),
    ojeuCitation: metadata.legal.ojeuCitation ?? undefined,
  });
  const linked = (kind: 'replaces' | 'replaced-by', entries: Array<{ reference: string; project: string }>): Relation[] =>
    entries.map((entry) => ({ kind, key: `cen:${entry.project}`, reference: entry.reference }));
  const relations: Relation[] = [
    ...linked('replaces', metadata.relations.supersedes),
    ...linked('replaced-by', metadata.relations.supersededBy),
    // "ISO/TS 21003-7:2019 (EQV)": the degree of correspondence is not part of the adopted reference.
    ...(metadata.referenceDocument === null
      ? []
      : [{ kind: 'adopts' as const, reference: metadata.referenceDocument.replace(/\s*\((IDT|EQV|MOD|NEQ)\)$/, '') }]),
  ];
  return withoutAbsent({
    key: `cen:${metadata.project}`,
    reference: metadata.reference,
    title: metadata.title,
    status: words.status,
    phase: words.phase,
    stageLabel: metadata.status,
    stage: metadata.stage ?? undefined, // no era prints a stage code
    edition: metadata.edition ?? undefined, // nor an edition
    publicationDate: metadata.dates.dav ?? undefined,
    dates: Object.keys(dates).length > 0 ? dates : undefined,
    committee: metadata.committee,
    committeeTitle: metadata.committeeTitle,
    ics: metadata.ics ?? undefined,
    legal: Object.keys(legal).length > 0 ? legal : undefined,
    relations: relations.length > 0 ? relations : undefined,
    // workItem ("Work Item Number") is an internal id with no record field: not carried.
  }) as DocumentRecord;
}

function withoutAbsent<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Consecutive recordings of the same page (manifest order is recording order within a group). */
function consecutivePairs(group?: string): Array<[CenRow, CenRow]> {
  return projectRows.flatMap((row, i) => {
    const previous = projectRows[i - 1];
    if (previous === undefined || previous.group !== row.group || (group !== undefined && row.group !== group)) return [];
    return [[previous, row] as [CenRow, CenRow]];
  });
}

/** The `change` column names a metadata field ("status: …", "relations.supersededBy: …"), not only markup or noise. */
function changesMetadata(change: string): boolean {
  return change.split(/;\s*/).some((part) => /^(?!markup\b)[A-Za-z][\w.]*: /.test(part));
}

const context = (record: DocumentRecord, extra: Partial<RuleContext> = {}): RuleContext => ({
  requirements: false,
  watchedKeys: new Set([record.key]),
  requirementsKeys: new Set(),
  requirementsReferences: new Set(),
  family: null,
  ...extra,
});

/** Every finding of the kind's rules for before → after. `changes` stays empty: the rules read the records. */
function findings(before: DocumentRecord, after: DocumentRecord, ctx: RuleContext = context(after), rules: readonly Rule[] = cenProjectKind.rules): Finding[] {
  return rules.flatMap((rule) => {
    const found = rule({ before, after, changes: [], context: ctx });
    return found === null ? [] : Array.isArray(found) ? found : [found];
  });
}

/** The Abstract/Scope cell of a raw page, read independently of the watcher (cheerio's default parser). */
function abstractSentences(body: string): string[] {
  const $ = load(body);
  const cell = $('th')
    .filter((_, th) => $(th).text().trim() === 'Abstract/Scope')
    .first()
    .closest('tr')
    .children('td');
  return cell
    .text()
    .split(/(?<=[.!?;:])\s+/)
    .map((sentence) => sentence.replace(/\s+/g, ' ').trim())
    .filter((sentence) => sentence.length >= 30);
}

describeWithFixtures('cen-project on recorded CEN-CENELEC pages', () => {
  it('has a manifest row for every recording, and reads every project row', () => {
    const files = readdirSync(join(FIXTURES_DIR, 'cen')).filter((file) => file.endsWith('.html'));
    expect(files.filter((file) => !rowByFile.has(file))).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(67);
    expect(projectRows.length).toBeGreaterThanOrEqual(60);
    expect(rows.length - projectRows.length).toBeGreaterThanOrEqual(7); // 5 search pages, the root redirect, the APEX error
    const eras = new Set(projectRows.map((row) => `${row.era}${row.variant === undefined ? '' : `/${row.variant}`}`));
    expect([...eras].sort()).toEqual(['C1', 'C2', 'C3/plain', 'C3/xml-serialised']);
    expect(projectRows.map((row) => outcomeOf(row).kind).filter((kind) => kind !== 'records')).toEqual([]);
  });

  describe('every project page gives the record its manifest row expects (all eras, both C3 serialisations)', () => {
    it.each(projectRows.map((row) => [row.file, row] as const))('%s', (_file, row) => {
      const discrepancy = KNOWN_MANIFEST_DISCREPANCIES[row.file];
      const record = extract(row);
      const expected = expectedRecord(row.metadata as ProjectMetadata);
      if (discrepancy !== undefined) {
        expect(record, discrepancy.pageEvidence).not.toEqual(expected);
        return;
      }
      expect(record).toEqual(expected);
      expect(record.key).toBe(row.group);
      expect(recordSchema.parse(record)).toEqual(record);
    });
  });

  describe('the two C3 serialisations', () => {
    const c3 = projectRows.filter((row) => row.era === 'C3');
    const plain = c3.filter((row) => row.variant === 'plain');
    const xml = c3.filter((row) => row.variant === 'xml-serialised');

    it('are both recorded, and only the xml one writes empty cells as <td/> and <div/>', () => {
      expect(plain.length).toBeGreaterThan(0);
      expect(xml.length).toBeGreaterThan(0);
      expect(xml.filter((row) => /<td\/>/.test(readFixture(row.dir, row.file))).length).toBeGreaterThan(0);
      for (const row of plain) expect(readFixture(row.dir, row.file), row.file).not.toMatch(/<td\/>|<div\/>/);
    });

    it.each(plain.map((row) => [row.file, row] as const))('%s reads like the xml recordings of the same page with the same metadata', (_file, row) => {
      const twins = xml.filter((other) => other.group === row.group && JSON.stringify(other.metadata) === JSON.stringify(row.metadata));
      expect(twins.length, `${row.file}: no xml-serialised recording with the same metadata`).toBeGreaterThan(0);
      for (const twin of twins) expect(extract(twin), twin.file).toEqual(extract(row));
    });

    it.each(c3.map((row) => [row.file, row] as const))('%s reads the same in the other serialisation of its empty cells', (_file, row) => {
      const body = readFixture(row.dir, row.file);
      const other =
        row.variant === 'plain'
          ? body.replace(/<td>(\s*)<\/td>/g, '<td/>').replace(/<div>(\s*)<\/div>/g, '<div/>')
          : body.replace(/<td\/>/g, '<td></td>').replace(/<div\/>/g, '<div></div>');
      const outcome = extractBody(other, row.url);
      expect(outcome.kind === 'records' && outcome.records).toEqual([extract(row)]);
    });

    it('reads an empty <td/> as an empty cell, never as the value of the next row', () => {
      // cen-20626 (xml-serialised): DOA, DOP and DOW are `<td/>` after DOR and DAV.
      const record = recordOf('cen-20626-2026-06-26.html');
      expect(record.dates).toEqual({ ratification: '2000-10-18', availability: '2000-11-22' });
      const body = readFixture('cen', 'cen-20626-2026-06-26.html');
      expect(body.match(/<td\/>/g)?.length).toBe(3);
    });
    it('reads a line break inside a cell as a space between its words', () => {
      const row = rowByFile.get('cen-20626-2026-06-26.html')!;
      const body = readFixture(row.dir, row.file);
      const { title } = extract(row);
      const split = title!.replace(/ /, '<br/>');
      const broken = body.replace(`>${title!}<`, `>${split}<`);
      expect(broken).not.toBe(body);
      const outcome = extractBody(broken, row.url);
      expect(outcome.kind === 'records' && outcome.records[0]!.title).toBe(title);
    });
  });

  describe('consecutive recordings of a page', () => {
    it.each(consecutivePairs().map(([before, after]) => [after.file, before, after] as const))('%s', (_file, before, after) => {
      const [old, now] = [extract(before), extract(after)];
      if (changesMetadata(after.change)) {
        expect(now, after.change).not.toEqual(old);
      } else {
        expect(now, after.change).toEqual(old); // markup, serialisation, session ids, cs= checksums: noise
        expect(findings(old, now)).toEqual([]);
      }
    });
  });

  describe('the README sequences through the kind rules', () => {
    it('EN 10160:1999 (cen:19677) gains "Superseded by prEN 10160 rev" (2024-12-11): new-edition, critical', () => {
      const before = recordOf('cen-19677-2024-07-24.html');
      const after = recordOf('cen-19677-2024-12-11.html');
      expect(after.relations).toEqual([{ kind: 'replaced-by', key: 'cen:80753', reference: 'prEN 10160 rev' }]);
      expect(findings(before, after)).toEqual([{ event: 'new-edition', severity: 'critical', words: 'Superseded by prEN 10160 rev' }]);
    });

    it('… then shows the same successor project as "prEN 10160" (2025-12-15): keyed on the project, the successor progressed (minor)', () => {
      const before = recordOf('cen-19677-2025-04-28.html');
      const after = recordOf('cen-19677-2025-12-15.html');
      expect(after.relations).toEqual([{ kind: 'replaced-by', key: 'cen:80753', reference: 'prEN 10160' }]);
      expect({ ...after, relations: before.relations }).toEqual(before);
      expect(findings(before, after)).toEqual([{ event: 'draft-progress', severity: 'minor', words: 'successor prEN 10160, was prEN 10160 rev' }]);
    });

    it('CWA 14050-21:2000 (cen:20626): Published → Withdrawn is withdrawn, critical; then "(Disbanded)" is the common committee row', () => {
      const published = recordOf('cen-20626-2026-06-06.html');
      const withdrawn = recordOf('cen-20626-2026-06-26.html');
      const disbanded = recordOf('cen-20626-2026-07-03.html');
      expect(findings(published, withdrawn)).toEqual([{ event: 'withdrawn', severity: 'critical', words: 'Withdrawn, was Published' }]);
      expect(withdrawn).toEqual({ ...published, status: 'withdrawn', phase: 'withdrawn', stageLabel: 'Withdrawn' });
      expect(disbanded.committeeTitle).toBe('(Disbanded) eXtensions for Financial Services');
      expect(disbanded).toEqual({ ...withdrawn, committeeTitle: '(Disbanded) eXtensions for Financial Services' });
      expect(findings(withdrawn, disbanded)).toEqual([]);
    });

    it('EN 13306:2017 (cen:59457) gains "Superseded by prEN 13306 rev" (2025-12-15): new-edition, critical', () => {
      const before = recordOf('cen-59457-2025-04-28.html');
      const after = recordOf('cen-59457-2025-12-15.html');
      expect(findings(before, after)).toEqual([{ event: 'new-edition', severity: 'critical', words: 'Superseded by prEN 13306 rev' }]);
    });

    it.each(['cen:68120', 'cen:8709', 'cen:2679'])('%s: every recording gives the same record, no event', (group) => {
      const sequence = projectRows.filter((row) => row.group === group);
      expect(sequence.length).toBeGreaterThan(5);
      const first = extract(sequence[0]!);
      for (const row of sequence) {
        expect(extract(row), row.file).toEqual(first);
        expect(findings(first, extract(row)), row.file).toEqual([]);
      }
    });
  });

  it('keys on FSP_PROJECT of the URL in every era, falling back to what the page says of itself', () => {
    for (const row of projectRows) expect(cenProjectKind.watches({ url: row.url, options: NO_OPTIONS }, new Set()).keys, row.url).toEqual([row.group]);
    const c1 = rowByFile.get('cen-68120-2021-05-20.html')!;
    const fromFile = extractBody(readFixture(c1.dir, c1.file), 'file:///tmp/cen-68120.html');
    expect(fromFile.kind === 'records' && fromFile.records[0]!.key).toBe('cen:68120');
    const withdrawn = rowByFile.get('cen-8709-2023-10-31.html')!; // names no project of its own
    const nameless = extractBody(readFixture(withdrawn.dir, withdrawn.file), 'file:///tmp/cen-8709.html');
    expect(nameless.kind).toBe('extraction-failed');
    expect(nameless.kind === 'extraction-failed' && nameless.reason).toMatch(/no key/);
  });

  it('refuses a page that is about another project than the URL asks for', () => {
    const page = rowByFile.get('cen-68120-2026-04-08.html')!;
    const outcome = extractBody(readFixture(page.dir, page.file), rowByFile.get('cen-19677-2026-08-22.html')!.url);
    expect(outcome.kind).toBe('extraction-failed');
    expect(outcome.kind === 'extraction-failed' && outcome.reason).toMatch(/cen:19677 .* project 68120/);
  });

  it('names the adopted document of the Reference Document by reference, without a key (the page links nowhere)', () => {
    const row = rowByFile.get('cen-68120-2026-08-22.html')!;
    const outcome = outcomeOf(row);
    expect(outcome.kind === 'records' && outcome.records[0]!.relations?.filter((r) => r.kind === 'adopts')).toEqual([
      { kind: 'adopts', reference: 'ISO/TS 21003-7:2019' },
    ]);
  });

  describe('soft errors served with HTTP 200 are unreadable, never a record', () => {
    const soft = rows.filter((row) => !row.group.startsWith('cen:'));
    it.each(soft.map((row) => [row.file, row] as const))('%s', (_file, row) => {
      expect(row.httpStatus).toBe(200);
      const outcome = outcomeOf(row);
      expect(outcome.kind).toBe('unreadable');
      const expected = row.file.startsWith('cen-search-')
        ? /search-results page/
        : row.file.startsWith('cen-root-redirect-')
          ? /redirect to https:\/\/standards\.cencenelec\.eu\/ords\/f\?p=CEN:105/
          : /APEX error page .*Sorry, this page isn't available/;
      expect(outcome.kind === 'unreadable' && outcome.reason).toMatch(expected);
    });

    it('an empty body and a challenge page are unreadable; an iso.org page is no CEN record', () => {
      expect(extractBody('', projectRows[0]!.url).kind).toBe('unreadable');
      expect(extractBody('<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>', projectRows[0]!.url).kind).toBe(
        'unreadable',
      );
      const iso = readdirSync(join(FIXTURES_DIR, 'iso-pages'))
        .filter((file) => file.endsWith('.html'))
        .slice(0, 5);
      for (const file of iso) expect(extractBody(readFixture('iso-pages', file), projectRows[0]!.url).kind, file).not.toBe('records');
    });
  });

  describe('a project page whose fields are gone is extraction-failed, naming them, never quoting the scope', () => {
    it.each([
      [
        'the Reference row',
        ($: ReturnType<typeof load>) =>
          $('th')
            .filter((_, th) => $(th).text() === 'Reference')
            .closest('tr')
            .remove(),
        /no reference/,
      ],
      [
        'the Status row',
        ($: ReturnType<typeof load>) =>
          $('th')
            .filter((_, th) => $(th).text() === 'Status')
            .closest('tr')
            .remove(),
        /no status/,
      ],
      ['the project block', ($: ReturnType<typeof load>) => $('#DASHBOARD_LISTPROJECT').remove(), /DASHBOARD_CONTENT_PROJECT/],
      ['the status words', ($: ReturnType<typeof load>) => $('.no-overflow100').text('Frozen'), /status words "Frozen"/],
      [
        'a date format',
        ($: ReturnType<typeof load>) =>
          $('th')
            .filter((_, th) => $(th).text().startsWith('date of Ratification'))
            .next('td')
            .text('03/03/1999'),
        /ratification date/,
      ],
    ])('without %s', (_what, mutate, reason) => {
      const row = rowByFile.get('cen-19677-2024-12-11.html')!;
      const body = readFixture(row.dir, row.file);
      const $ = load(body);
      mutate($);
      const outcome = extractBody($.html(), row.url);
      expect(outcome.kind).toBe('extraction-failed');
      expect(outcome.kind === 'extraction-failed' && outcome.reason).toMatch(reason);
      for (const sentence of abstractSentences(body)) expect(JSON.stringify(outcome)).not.toContain(sentence);
    });
  });

  it('never carries a sentence of the Abstract/Scope, on any page that shows one', () => {
    let checked = 0;
    for (const row of projectRows) {
      const body = readFixture(row.dir, row.file);
      const sentences = abstractSentences(body);
      if (!row.abstract) {
        expect(sentences, `${row.file}: manifest says no abstract`).toEqual([]);
        continue;
      }
      expect(sentences.length, row.file).toBeGreaterThan(0);
      const serialised = JSON.stringify(outcomeOf(row));
      for (const sentence of sentences) expect(serialised.includes(sentence), `${row.file}: abstract leaked`).toBe(false);
      checked += sentences.length;
    }
    expect(checked).toBeGreaterThan(40);
  });
});

describe('cen-project parsing of the xml-serialised blocks', () => {
  // What an HTML parser makes of a self-closed non-void element (HTML spec: the slash is ignored).
  const fragment =
    '<table><tr><th class="detail">Reference Document</th><td><div/><div>ISO 9001:2015 (IDT)</div></td></tr><tr><th class="detail">DOW</th><td/>x</tr></table>';

  it("closes <td/> and <div/> on the spot, where cheerio's default parser (parse5) opens them", () => {
    const html5 = load(fragment);
    expect(html5('td').first().children('div')).toHaveLength(1); // the second <div> nested in the first
    expect(html5('td').last().text()).toBe('x'); // the open <td/> swallowed what follows it in the row

    const $ = parsePage(fragment);
    expect($('td').first().children('div')).toHaveLength(2);
    expect($('td').last().text()).toBe('');
  });
});

describe('cen-project status words', () => {
  it.each(Object.entries(STATUS_WORDS))('"%s"', (words, expected) => {
    expect(statusFromWords(words)).toEqual(expected);
  });

  it('knows nothing else', () => {
    expect(statusFromWords('Frozen')).toBeUndefined();
  });
});

describe('cen-project declaration', () => {
  const url = 'https://standards.cencenelec.eu/dyn/www/f?cs=164A85D79EC87EC8DA38B838C6399F8B7&p=CEN:110:0::::FSP_PROJECT,FSP_ORG_ID:19677,733642';

  it('is the cen-project kind of CEN-CENELEC pages, metadata only', () => {
    expect(cenProjectKind).toMatchObject({ input: 'text', id: 'cen-project', version: '3', publisher: 'CEN-CENELEC' });
    expect(cenProjectKind.licence.tag).toBe('proprietary-metadata-only');
    expect(cenProjectKind.maxResponseBytes).toBeGreaterThan(100_000);
    expect(cenProjectKind.rules.length).toBe(10 + FIELD_RULES.length);
  });

  it('has strict options: none', () => {
    expect(cenProjectKind.options.parse({})).toEqual({});
    expect(cenProjectKind.options.safeParse({ adopts: 'iso:81230' }).success).toBe(false);
    expect(cenProjectKind.options.safeParse({ url: 'x' }).success).toBe(false);
  });

  it('links a document to the watched page itself (its cs= checksum kept), expects its project', () => {
    expect(cenProjectKind.watches({ url, options: {} }, new Set()).keys).toEqual(['cen:19677']);
    expect(cenProjectKind.documentUrl('cen:19677', { url, options: {} })).toBe(url);
    expect(cenProjectKind.documentUrl('cen:80753', { url, options: {} })).toBe('https://standards.cencenelec.eu/ords/f?p=CEN:110:::::FSP_PROJECT:80753');
    expect(cenProjectKind.watches({ url: 'https://standards.cencenelec.eu/ords/f?p=CEN:105', options: {} }, new Set()).keys).toEqual([]);
  });
});

// spec/severity.md "Other publishers", CEN rows that no recording shows (none of the recorded projects
// is under development and no OJEU citation moves): each built from a real page's record with only
// the fields the row is about changed.
describeWithFixtures('cen-project rules on the spec rows, from real records', () => {
  const draftOf = (record: DocumentRecord, stageLabel: string): DocumentRecord => {
    const words = statusFromWords(stageLabel)!;
    const { dates: _dates, publicationDate: _publicationDate, ...rest } = record;
    return { ...rest, key: 'cen:82478', reference: 'prEN 13306', status: words.status, phase: words.phase, stageLabel };
  };

  it('enquiry: a prEN goes Under Draft → Under Enquiry: major', () => {
    const en = recordOf('cen-59457-2026-08-22.html');
    const before = draftOf(en, 'Under Draft');
    const after = draftOf(en, 'Under Enquiry');
    expect(findings(before, after)).toEqual([{ event: 'enquiry', severity: 'major', words: 'Under Enquiry, was Under Draft' }]);
    expect(findings(before, draftOf(en, 'Under Approval (Under Enquiry)'))).toEqual([
      { event: 'enquiry', severity: 'major', words: 'Under Approval (Under Enquiry), was Under Draft' },
    ]);
  });

  it('formal-vote: Under Enquiry → Under Approval: major', () => {
    const en = recordOf('cen-59457-2026-08-22.html');
    expect(findings(draftOf(en, 'Under Enquiry'), draftOf(en, 'Under Approval'))).toEqual([
      { event: 'formal-vote', severity: 'major', words: 'Under Approval, was Under Enquiry' },
    ]);
  });

  it('moves with no CEN row, as the ISO rows of the same phase: Preliminary → Under Draft is draft progress, → Approved under publication', () => {
    const en = recordOf('cen-59457-2026-08-22.html');
    expect(findings(draftOf(en, 'Preliminary'), draftOf(en, 'Under Draft'))).toEqual([
      { event: 'draft-progress', severity: 'minor', words: 'Under Draft, was Preliminary' },
    ]);
    expect(findings(draftOf(en, 'Under Approval'), draftOf(en, 'Approved'))).toEqual([
      { event: 'under-publication', severity: 'major', words: 'Approved, was Under Approval' },
    ]);
    // sent back is no progress
    expect(findings(draftOf(en, 'Under Enquiry'), draftOf(en, 'Under Draft'))).toEqual([]);
    expect(findings(draftOf(en, 'Under Draft'), draftOf(en, 'Preliminary'))).toEqual([]);
  });

  it('published: Approved → Published is major; critical when it adopts a watched requirements standard', () => {
    const published = recordOf('cen-68120-2026-08-22.html');
    const approved: DocumentRecord = { ...published, status: 'under-development', phase: 'publishing', stageLabel: 'Approved' };
    // the page adopts ISO/TS 21003-7:2019: the item names it, a watch or not
    expect(findings(approved, published)).toEqual([
      { event: 'published', severity: 'major', words: 'Published, was Approved; date of Availability (DAV) 2019-05-29; adopts ISO/TS 21003-7:2019' },
    ]);

    const adoption = (record: DocumentRecord): DocumentRecord => ({
      ...record,
      reference: record.status === 'published' ? 'EN ISO/IEC 42001:2023' : 'FprEN ISO/IEC 42001',
      relations: [{ kind: 'adopts', reference: 'ISO/IEC 42001:2023' }],
    });
    // The adoption names 42001 by reference only: it is matched on the reference without its year.
    const requirements = context(published, { requirementsKeys: new Set(['iso:81230']), requirementsReferences: new Set(['ISO/IEC 42001']) });
    expect(findings(adoption(approved), adoption(published), requirements)).toEqual([
      { event: 'published', severity: 'critical', words: 'Published, was Approved; date of Availability (DAV) 2019-05-29; adopts ISO/IEC 42001:2023' },
    ]);
    expect(findings(adoption(approved), adoption(published))[0]!.severity).toBe('major'); // 42001 not watched as requirements
    expect(findings(approved, published, context(published, { requirements: true }))[0]!.severity).toBe('critical');
  });

  it('oj-citation: the citation added, restricted or withdrawn is critical; "No citation expected" statements are no citation', () => {
    const en = recordOf('cen-19677-2026-08-22.html'); // EN 10160:1999, Mandate(s) M/005
    const cited = (ojeuCitation: string | undefined): DocumentRecord => ({ ...en, legal: withoutAbsent({ ...en.legal, ojeuCitation }) });
    expect(findings(en, cited('OJ C 92, 2022-02-25'))).toEqual([
      { event: 'oj-citation', severity: 'critical', words: 'Citation in OJEU: OJ C 92, 2022-02-25, was none' },
    ]);
    expect(findings(cited('OJ C 92, 2022-02-25'), cited('OJ C 92, 2022-02-25 (restricted)'))[0]).toMatchObject({ event: 'oj-citation', severity: 'critical' });
    expect(findings(cited('OJ C 92, 2022-02-25'), en)).toEqual([
      { event: 'oj-citation', severity: 'critical', words: 'Citation in OJEU removed, was OJ C 92, 2022-02-25' },
    ]);

    const cr = recordOf('cen-8709-2026-08-22.html'); // "No citation expected for Directive 305/2011, No citation expected for Directive 89/106/EEC"
    const onlyOne: DocumentRecord = { ...cr, legal: { directives: ['305/2011'], ojeuCitation: 'No citation expected for Directive 305/2011' } };
    expect(findings(cr, onlyOne)).toEqual([{ event: 'mandate-changed', severity: 'minor', words: 'Directive(s): 305/2011, was 305/2011, 89/106/EEC' }]);
  });

  it('withdrawn names what supersedes it', () => {
    const en = recordOf('cen-19677-2026-08-22.html');
    const withdrawn: DocumentRecord = { ...en, status: 'withdrawn', phase: 'withdrawn', stageLabel: 'Withdrawn' };
    expect(findings(en, withdrawn)).toEqual([{ event: 'withdrawn', severity: 'critical', words: 'Withdrawn, was Published; Superseded by prEN 10160' }]);
  });

  it('mandate-changed: minor; the same mandates in another order are no change', () => {
    const en = recordOf('cen-19677-2026-08-22.html');
    const more: DocumentRecord = { ...en, legal: { mandates: ['M/005', 'M/117'] } };
    expect(findings(en, more)).toEqual([{ event: 'mandate-changed', severity: 'minor', words: 'Mandate(s): M/005, M/117, was M/005' }]);
    expect(findings(more, { ...en, legal: { mandates: ['M/117', 'M/005'] } })).toEqual([]);
  });

  it('dates-changed: info; minor when the DOW of a watched EN moves', () => {
    const en = recordOf('cen-19677-2026-08-22.html'); // EN 10160:1999, DOW 2000-01-31
    const dowMoved: DocumentRecord = { ...en, dates: { ...en.dates, nationalWithdrawal: '2000-07-31' } };
    expect(findings(en, dowMoved)).toEqual([{ event: 'dates-changed', severity: 'minor', words: 'date of Withdrawal (DOW) 2000-07-31, was 2000-01-31' }]);
    expect(findings(en, dowMoved, context(en, { watchedKeys: new Set() }))[0]!.severity).toBe('info');

    const ts = recordOf('cen-68120-2026-08-22.html'); // CEN ISO/TS 21003-7:2019: no DOP, no DOW
    const dopSet: DocumentRecord = { ...ts, dates: { ...ts.dates, nationalPublication: '2019-11-30' } };
    expect(findings(ts, dopSet)).toEqual([{ event: 'dates-changed', severity: 'info', words: 'date of Publication (DOP) 2019-11-30, was none' }]);
    expect(findings(ts, { ...ts, dates: { ...ts.dates, nationalWithdrawal: '2019-11-30' } })[0]!.severity).toBe('info'); // a TS is no EN

    const davOnly: DocumentRecord = { ...en, publicationDate: '1999-07-15', dates: { ...en.dates, availability: '1999-07-15' } };
    expect(findings(en, davOnly)).toEqual([]); // DAV is the publication date: a common row
  });
});

describeWithFixtures('a CEN adoption names the standard it adopts', () => {
  it('in the first observation of EN ISO/TS 21003-7 (cen-68120)', () => {
    const record = recordOf('cen-68120-2026-08-22.html');
    const first = classifyFirstObservation(record, 'baseline', context(record), cenProjectKind.describe);
    expect(first.summary).toBe('CEN ISO/TS 21003-7:2019: first observed, Published; adopts ISO/TS 21003-7:2019');
  });
});

describeWithFixtures('a CEN project page that lost one of its blocks', () => {
  // A redesign that drops or renames a block must never read as that block's fields emptied: the
  // legal block gone would otherwise be an OJEU citation or a mandate withdrawn (critical, minor).
  it.each(['DASHBOARD_CONTENT_LEGAL', 'DASHBOARD_CONTENT_IMPLEMENTATIONDATES', 'DASHBOARD_CONTENT_RELATIONS', 'DASHBOARD_COM_TITLE'])(
    'without %s is extraction-failed, naming the block',
    (name) => {
      const row = rowByFile.get('cen-19677-2021-05-21.html')!;
      const body = readFixture(row.dir, row.file).replaceAll(`"${name}"`, `"${name}_RENAMED"`);
      const outcome = extractBody(body, row.url);
      expect(outcome.kind).toBe('extraction-failed');
      expect(outcome.kind === 'extraction-failed' && outcome.reason).toContain(`no "${name}" block`);
    },
  );
});
