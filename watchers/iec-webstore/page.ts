import { load, type Cheerio, type CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { cutShortReason } from '../../src/fetch/cut-short.js';
import type { DocumentRecord, Relation } from '../../src/model/record.js';
import { editionNumber } from './reference.js';
import { publicationIdFromHref, readSourceUrl } from './source-url.js';

// An IEC webstore publication page (Lotus Domino XPages, eras W1–W5, 2018–2023) read into one record.
// Every hook is one that held in every era (../shared/fixtures/README.md, "IEC webstore pages"); the
// generated `view:_idNN` ids change from era to era and are never used. The abstract is removed from
// the parsed document before anything is read, so no field, reason or log can carry it.
//
// Left out on purpose:
// - the "Related publications" box. It lists the first five or six publications of the family in
//   reference order, then "Show all »", so which entries are shown depends on the siblings: IEC
//   60050-103 lost its own AMD2:2019 from the box when IEC 60050-102 gained AMD3:2021
//   (iec-pub-161-2021-05-17), and IEC 60050-395 never shows its AMD1/AMD2 (iec-pub-197-*). Amendments
//   read from it would come and go with the neighbours, and "amendments only when the box is not
//   truncated" would drop them all the day the family grows past five. The history XML of the same
//   publication is the complete list, with stages: a source on it reports the amendments.
// - price and file size (noise), the publication type and the preview.

export type PageReading = { kind: 'record'; record: Partial<DocumentRecord> } | { kind: 'unreadable' | 'extraction-failed'; reason: string };

export function readPublicationPage(body: string, url: string): PageReading {
  if (body.trim() === '') return { kind: 'unreadable', reason: 'empty body' };
  const $ = load(body);
  $('[itemprop=description]').remove();

  const heading = $('h1.reference').first();
  const reference = text(heading.find('[itemprop=productID]').first());
  // An error or challenge page says what it is; a page cut short is unreadable too, never a redesign.
  const cut = cutShortReason(body, 'html');
  if (reference === '') {
    const unreadable = unreadableReason(body, $) ?? cut;
    if (unreadable !== undefined) return { kind: 'unreadable', reason: unreadable };
    return { kind: 'extraction-failed', reason: 'no h1.reference [itemprop=productID] (has the markup changed?)' };
  }
  if (cut !== undefined) return { kind: 'unreadable', reason: cut };

  const rows = detailRows($);
  if (rows.size === 0) return { kind: 'extraction-failed', reason: 'no table.table-info details rows (has the markup changed?)' };

  const pubid = publicationIdFromHref($('link[rel=canonical]').attr('href') ?? '') ?? pageIdFromUrl(url);
  if (pubid === undefined) return { kind: 'extraction-failed', reason: 'no publication id: neither link[rel=canonical] nor the URL is /publication/<id>' };
  const withdrawn = heading.find('span').filter((_, span) => isRed($(span).attr('style')) && /\bwithdrawn\b/i.test($(span).text())).length > 0;
  const committee = readCommittee($, [...rows].find(([label]) => /^tc\b/.test(label))?.[1]);
  const stability = rows
    .get('stability date')
    ?.text()
    .match(/\b\d{4}\b/)?.[0];
  const withdrawal = dateIn(rows.get('withdrawal date'));
  const dates = { ...(withdrawal !== undefined && { withdrawal }), ...(stability !== undefined && { stability }) };
  const relations = replacedBy($);

  const record: Partial<DocumentRecord> = {
    key: `iec:${pubid}`,
    reference,
    title: titleOf($, $('h2.title, h2[itemprop=name]').get(0)),
    // The page never prints "Published": in force unless the red marker says otherwise.
    status: withdrawn ? 'withdrawn' : 'published',
    phase: withdrawn ? 'withdrawn' : 'published',
    publicationDate: dateIn(rows.get('publication date')),
    dates: Object.keys(dates).length > 0 ? dates : undefined,
    edition: editionNumber(rows.get('edition')?.text()),
    pages: positiveInteger(rows.get('pages')?.text()),
    committee: committee?.committee,
    committeeTitle: committee?.title,
    ics: readIcs($, rows.get('ics')),
    languages: languageCodes(rows.get('available language(s)')?.text()),
    relations: relations.length > 0 ? relations : undefined,
  };
  return { kind: 'record', record: withoutAbsentFields(record) };
}

/** `table.table-info` rows by label: "Stability date&nbsp;" → "stability date", the TC/SC abbreviations → "tc/sc". */
function detailRows($: CheerioAPI): Map<string, Cheerio<AnyNode>> {
  const rows = new Map<string, Cheerio<AnyNode>>();
  $('table.table-info tr').each((_, tr) => {
    const label = text($(tr).children('th[scope=row]').first()).replace(/:$/, '').toLowerCase();
    if (label !== '' && !rows.has(label)) rows.set(label, $(tr).children('td').first());
  });
  return rows;
}

/** "TC 65/SC 65A - System aspects" → committee "TC 65/SC 65A", title "System aspects". */
function readCommittee($: CheerioAPI, cell: Cheerio<AnyNode> | undefined): { committee: string; title?: string } | undefined {
  const link = cell
    ?.find('a')
    .filter((_, a) => /\bsearchform\b|ComNumber/i.test($(a).attr('href') ?? ''))
    .first();
  const fromRow = link === undefined || link.length === 0 ? '' : text(link);
  const match = fromRow.match(/^(.+?)\s+-\s+(.+)$/);
  if (match !== null) return { committee: match[1]!, title: match[2]! };
  if (fromRow !== '') return { committee: fromRow };
  // The heading's `<span title="Terminology">TC 1</span>`, where the row has no link.
  const span = $('ul.meta span[title]').first();
  const committee = text(span);
  if (committee === '') return undefined;
  const title = span.attr('title')?.trim();
  return title ? { committee, title } : { committee };
}

/** "01.040.07 - Mathematics. Natural sciences (Vocabularies)" links → ["01.040.07"]. */
function readIcs($: CheerioAPI, cell: Cheerio<AnyNode> | undefined): string[] | undefined {
  if (cell === undefined) return undefined;
  const codes = cell
    .find('a')
    .map(
      (_, a) =>
        text($(a)).match(/^\d{2}(?:\.\d{3}(?:\.\d{2})?)?(?=\s|$)/)?.[0] ??
        $(a)
          .attr('href')
          ?.match(/ICSNumber=(\d{2}(?:\.\d{3}(?:\.\d{2})?)?)\b/)?.[1],
    )
    .get()
    .filter((code): code is string => typeof code === 'string');
  return codes.length > 0 ? [...new Set(codes)] : undefined;
}

const LANGUAGES: Readonly<Record<string, string>> = {
  english: 'en',
  french: 'fr',
  spanish: 'es',
  german: 'de',
  russian: 'ru',
  italian: 'it',
  portuguese: 'pt',
  chinese: 'zh',
  japanese: 'ja',
  arabic: 'ar',
  korean: 'ko',
};

/**
 * "English/French, Spanish" (a bilingual edition, and a Spanish one) → ["en", "es", "fr"]. Only when
 * every word is a language name: anything else ("Multilingual", a new wording) leaves the field out.
 */
function languageCodes(cell: string | undefined): string[] | undefined {
  const names = (cell ?? '')
    .split(/[/,;]/)
    .map((name) =>
      name
        .replace(/[\s\u00a0]+/g, ' ')
        .trim()
        .toLowerCase(),
    )
    .filter((name) => name !== '');
  if (names.length === 0 || !names.every((name) => Object.hasOwn(LANGUAGES, name))) return undefined;
  return [...new Set(names.map((name) => LANGUAGES[name]!))].sort();
}

/** `IEC 80000-6:2022`, `ISO/IEC 27001:2022`, `CISPR 11:2015`: a publisher's name, then a number. */
const NAMES_A_PUBLICATION = /^(?:IEC|ISO|CISPR|EN|IEEE)\b[^\d]{0,20}\d/;

/**
 * `p.alert` notes under the heading. Only a "replaced by" note names successors ("partially replaced by":
 * successors of a part); "a more recent version" and "a consolidated version" point to a consolidated
 * edition (CSV) of the same text, not a successor. A successor linked other than `/publication/<id>`
 * is kept by its reference: a replacement is never dropped for the shape of its link.
 */
function replacedBy($: CheerioAPI): Relation[] {
  const relations: Relation[] = [];
  $('p.alert').each((_, note) => {
    const words = wordsOf($, note);
    const replaced = /\b(partially\s+|partly\s+|in\s+part\s+)?(?:replaced|superseded)\s+(in\s+part\s+)?by\b/i.exec(words);
    if (replaced === null) return;
    const partial = replaced[1] !== undefined || replaced[2] !== undefined;
    $(note)
      .find('a[href]')
      .each((_, a) => {
        const reference = text($(a));
        if (reference === '') return;
        const pubid = publicationIdFromHref($(a).attr('href') ?? '');
        // A link that names no publication ("More information") is no successor.
        if (pubid === undefined && !NAMES_A_PUBLICATION.test(reference)) return;
        relations.push({ kind: 'replaced-by', ...(pubid !== undefined && { key: `iec:${pubid}` }), reference, ...(partial && { partial: true as const }) });
      });
  });
  return relations;
}

const ERROR_TITLES =
  /not found|error|access denied|forbidden|captcha|just a moment|attention required|too many requests|unavailable|bad gateway|time-?out|maintenance/i;

/** Why the body is not a publication page at all (an error or challenge page served with 200), if it is not one. */
function unreadableReason(body: string, $: CheerioAPI): string | undefined {
  const title = text($('title').first());
  if (ERROR_TITLES.test(title)) return `error page instead of the publication page (title "${title.slice(0, 80)}")`;
  if (!/webstore/i.test(title) && $('h1.reference').length === 0) return `not an IEC webstore publication page (title "${title.slice(0, 80)}")`;
  return undefined;
}

function pageIdFromUrl(url: string): string | undefined {
  const source = readSourceUrl(url);
  return source.kind === 'page' ? source.pubid : undefined;
}

function isRed(style: string | undefined): boolean {
  return style !== undefined && /color\s*:\s*(?:rgb\(\s*255\s*,\s*0\s*,\s*0\s*\)|red\b|#f00\b|#ff0000\b)/i.test(style);
}

function dateIn(cell: Cheerio<AnyNode> | undefined): string | undefined {
  return cell?.text().match(/\b\d{4}-\d{2}-\d{2}\b/)?.[0];
}

function positiveInteger(cellText: string | undefined): number | undefined {
  const digits = cellText?.trim().match(/^\d{1,6}$/)?.[0];
  return digits === undefined || Number(digits) === 0 ? undefined : Number(digits);
}

/** The heading's words; a line break in it is a space, as a browser shows it. */
function titleOf($: CheerioAPI, heading: AnyNode | undefined): string | undefined {
  return heading === undefined ? undefined : wordsOf($, heading) || undefined;
}

/**
 * The words of an element, a line break read as a space: the notes put a `<br/>` between
 * "replaced by" and the link, which .text() would run together ("byIEC 80000-1:2022").
 */
function wordsOf($: CheerioAPI, element: AnyNode): string {
  const copy = $(element).clone();
  copy.find('br').replaceWith(' ');
  return text(copy);
}

function text(node: Cheerio<AnyNode>): string {
  return node
    .text()
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

function withoutAbsentFields<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
