import type { CheerioAPI, Cheerio } from 'cheerio';
import type { Element } from 'domhandler';
import type { DateName, DocumentRecord, Relation } from '../../src/model/record.js';
import { BLOCKS, block, blockText, cellLines, cellText, collapseWhitespace, rowsOf } from './page.js';
import { projectKey, projectNumber } from './project-url.js';
import { statusFromWords } from './status-words.js';

// The fields of a project page, block by block, by the labels CEN prints in every era. A field the
// page leaves empty is absent from the record. What the page shows but the record does not keep:
// "Work Item Number" (an internal id, no record field), "A-Deviation(s)", "Special National
// Condition(s)", "Normative reference (6)", "Bibliographic references (7)", "Sales Points".

export interface ReadResult {
  record: Partial<DocumentRecord>;
  /** Fields that are on the page but could not be read (a format change): named, never quoted at length. */
  problems: string[];
}

const DATE_ROWS: ReadonlyArray<readonly [RegExp, DateName]> = [
  [/\(dor\)/, 'ratification'],
  [/\(dav\)/, 'availability'],
  [/\(doa\)/, 'announcement'],
  [/\(dop\)/, 'nationalPublication'],
  [/\(dow\)/, 'nationalWithdrawal'],
];

/** `ISO/TS 21003-7:2019 (EQV)`: the international document and its degree of correspondence (ISO/IEC Guide 21-1). */
const REFERENCE_DOCUMENT = /^(.+?)\s*\((IDT|EQV|MOD|NEQ)\)$/i;

export function readFields($: CheerioAPI): ReadResult {
  const problems: string[] = [];
  const project = rowsOf($, BLOCKS.project);
  const legal = rowsOf($, BLOCKS.legal);
  const relations = rowsOf($, BLOCKS.relations);

  const record: Partial<DocumentRecord> = {
    reference: cellText(project.get('reference')),
    title: cellText(project.get('title')),
    committee: blockText($, BLOCKS.committee),
    committeeTitle: blockText($, BLOCKS.committeeTitle),
  };

  const statusWords = cellText(project.get('status'));
  if (statusWords !== undefined) {
    const status = statusFromWords(statusWords);
    if (status === undefined)
      problems.push(statusWords.length <= 40 ? `status words "${statusWords}" not in CEN's vocabulary` : "status cell not in CEN's vocabulary");
    else Object.assign(record, { status: status.status, phase: status.phase, stageLabel: statusWords });
  }

  const dates = readDates($, project.get('date of availability (dav)'), problems);
  if (Object.keys(dates).length > 0) record.dates = dates;
  if (dates.availability !== undefined) record.publicationDate = dates.availability;

  const icsCell = project.get('ics');
  if (icsCell !== undefined) {
    const lines = cellLines($, icsCell);
    const codes = lines.map((line) => line.match(/^(\d{2}(?:\.\d{3}(?:\.\d{2})?)?)(?=\s|$)/)?.[1]).filter((code) => code !== undefined);
    if (codes.length < lines.length) problems.push('ICS lines without a code');
    if (codes.length > 0) record.ics = [...new Set(codes)];
  }

  const directives = listCell($, legal.get('directive(s)'));
  const mandates = listCell($, legal.get('mandate(s)'));
  const ojeuCitation = lineCell($, legal.get('citation in ojeu'));
  if (directives !== undefined || mandates !== undefined || ojeuCitation !== undefined) {
    record.legal = withoutAbsentFields({ directives, mandates, ojeuCitation });
  }

  const related: Relation[] = [
    ...linkedDocuments($, relations.get('supersedes'), 'replaces'),
    ...linkedDocuments($, relations.get('superseded by'), 'replaced-by'),
    ...adoptions($, project.get('reference document')),
  ];
  if (related.length > 0) record.relations = related;

  return { record: withoutAbsentFields(record), problems };
}

/**
 * The project number the page gives itself, where it does: the C1 breadcrumb links the page
 * (`FSP_LANG_ID,FSP_PROJECT:25,68120`) and every normative-reference link names it
 * (`FSP_PROJECT_CROSSREF,FSP_PROJECT:EN-SPACE-473,19677`). Withdrawn pages show neither.
 */
export function declaredProject($: CheerioAPI): string | undefined {
  const fromCrumb = block($, 'DASHBOARD_CRUMB_LEVEL4')?.find('a[href]').addBack('a[href]').attr('href');
  const fromCrossReferences = $('a[href*="FSP_PROJECT_CROSSREF"]')
    .map((_, a) => $(a).attr('href') ?? '')
    .get();
  const numbers = new Set([fromCrumb ?? '', ...fromCrossReferences].map((href) => projectNumber(href)).filter((n) => n !== undefined));
  return numbers.size === 1 ? [...numbers][0] : undefined;
}

function readDates($: CheerioAPI, projectDav: Cheerio<Element> | undefined, problems: string[]): NonNullable<DocumentRecord['dates']> {
  const dates: NonNullable<DocumentRecord['dates']> = {};
  const rows = [...rowsOf($, BLOCKS.dates)];
  for (const [pattern, name] of DATE_ROWS) {
    const cell = rows.find(([label]) => pattern.test(label))?.[1] ?? (name === 'availability' ? projectDav : undefined);
    const text = cellText(cell);
    if (text === undefined) continue;
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) dates[name] = text;
    else problems.push(`${name} date not written YYYY-MM-DD`);
  }
  return dates;
}

/** "305/2011, 89/106/EEC" or one entry per line: the entries. */
function listCell($: CheerioAPI, cell: Cheerio<Element> | undefined): string[] | undefined {
  if (cell === undefined) return undefined;
  const entries = cellLines($, cell)
    .flatMap((line) => line.split(/\s*[,;]\s*/))
    .map(collapseWhitespace)
    .filter((entry) => entry !== '');
  return entries.length > 0 ? entries : undefined;
}

function lineCell($: CheerioAPI, cell: Cheerio<Element> | undefined): string | undefined {
  if (cell === undefined) return undefined;
  const text = cellLines($, cell).join('; ');
  return text === '' ? undefined : text;
}

/** "Supersedes" / "Superseded by": one link per document, `f?p=CEN:110:…FSP_PROJECT:<project>`. */
function linkedDocuments($: CheerioAPI, cell: Cheerio<Element> | undefined, kind: 'replaces' | 'replaced-by'): Relation[] {
  if (cell === undefined) return [];
  return cell
    .find('a')
    .map((_, a) => {
      const reference = collapseWhitespace($(a).text());
      if (reference === '') return [];
      const relation: Relation = { kind, reference };
      const key = projectKey($(a).attr('href') ?? '');
      if (key !== undefined) relation.key = key;
      return [relation];
    })
    .get();
}

/**
 * "Reference Document": the international document this deliverable adopts, with its degree of
 * correspondence. The code (IDT, EQV, MOD, NEQ) is not part of the reference and the record has no
 * place for it, so it is left out. The page links nowhere: the rules match the adopted document by
 * its reference (src/model/rule.ts requirementsReferences).
 */
function adoptions($: CheerioAPI, cell: Cheerio<Element> | undefined): Relation[] {
  if (cell === undefined) return [];
  const references = cellLines($, cell).map((line) => collapseWhitespace(line.match(REFERENCE_DOCUMENT)?.[1] ?? line));
  return references.map((reference): Relation => ({ kind: 'adopts', reference }));
}

function withoutAbsentFields<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
