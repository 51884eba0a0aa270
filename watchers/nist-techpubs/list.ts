import { load, type CheerioAPI } from 'cheerio';
import { cutShortReason } from '../../src/fetch/cut-short.js';
import { isStage, parseIdentifier, type NistIdentifier } from '../nist-csrc/identifier.js';

// One series page of NIST-Tech-Pubs (https://pages.nist.gov/NIST-Tech-Pubs/AI.html): a heading
// `h3.type-head#AI` and one `div.report-paper` per publication VERSION, each with labelled spans:
//
//   span.titles           Title: Adversarial Machine Learning:&nbsp;A Taxonomy and …
//   span.publication_date Date Published: 2023 | January 2023 | March 2023
//   span.report-number    Report Number: NIST AI 100-1 | error: NIST AI 100-1 | NIST AI NIST AI 100-2e2023 ipd
//   span.doi_data         doi: 10.6028/NIST.AI.100-2e2023.ipd
//
// The identity of an entry is read from its DOI first (clean in every recording) and from the
// report number only when the DOI is missing, so the report-number slips NIST made and fixed
// (`error: …`, a doubled `NIST AI`) are no change. Authors are not read.

export interface ListEntry {
  id: NistIdentifier;
  /** `ipd` or `final` (a stage named in the DOI or report number; none is the final). */
  stage: string;
  title?: string;
  date?: string;
}

export type ListOutcome =
  { kind: 'entries'; series: string; entries: ListEntry[] } | { kind: 'unreadable'; reason: string } | { kind: 'extraction-failed'; reason: string };

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

export function readList(body: string): ListOutcome {
  const $ = load(body);
  if (!/NIST Technical (Series )?Publications? List/i.test($('title').text()) || $('#content').length === 0) {
    const title = $('title').text().trim().slice(0, 80) || 'no title';
    return { kind: 'unreadable', reason: `the body is not a NIST-Tech-Pubs list page (${JSON.stringify(title)})` };
  }
  const moved = movedNotice($);
  if (moved !== null) return { kind: 'unreadable', reason: moved };
  const cut = cutShortReason(body, 'html');
  if (cut !== undefined) return { kind: 'unreadable', reason: cut };
  const heading = $('#content h3.type-head').first();
  const series = heading.attr('id')?.trim() ?? heading.text().trim();
  if (heading.length === 0 || series === '')
    return { kind: 'extraction-failed', reason: 'no series heading (h3.type-head) in #content: has the page changed?' };
  const papers = $('#content div.report-paper').toArray();
  if (papers.length === 0) return { kind: 'extraction-failed', reason: `no entries (div.report-paper) under the ${series} heading: has the page changed?` };

  const entries: ListEntry[] = [];
  for (const [i, paper] of papers.entries()) {
    const field = (selector: string): string => {
      const span = $(paper).find(selector).first().clone();
      span.find('label').remove();
      return span
        .text()
        .replace(/[\s\u00a0]+/g, ' ')
        .trim();
    };
    const title = field('span.titles');
    const doi = field('span.doi_data').replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/)?10\.6028\//i, '');
    const reportNumber = field('span.report-number');
    const fromDoi = doi === '' ? null : parseIdentifier(doi);
    const id = fromDoi ?? parseIdentifier(reportNumber);
    if (id === null) {
      return {
        kind: 'extraction-failed',
        reason: `entry ${i + 1} (${JSON.stringify(title.slice(0, 60))}) has neither a DOI nor a report number that names a publication`,
      };
    }
    // A DOI without a stage is the final's, whatever a slip in the report number says.
    const stage = id.stage ?? (fromDoi === null ? stageWord(reportNumber) : undefined) ?? 'final';
    const entry: ListEntry = { id: { ...id, stage: undefined }, stage };
    if (title !== '') entry.title = title;
    const date = readDate(field('span.publication_date'));
    if (date !== undefined) entry.date = date;
    entries.push(entry);
  }
  return { kind: 'entries', series, entries };
}

/**
 * Since 2024-05 the list opens with "List now available on the NIST Research Library's website"
 * and an `h2.outdated` "List updated 2024-03-13": the page has moved and what is left is a frozen
 * copy. Reading it would report "unchanged" forever while NIST publishes elsewhere, so it is a
 * moved page (like CSRC's "Page Moved"), not the list.
 */
function movedNotice($: CheerioAPI): string | null {
  const outdated = $('#content .outdated').first().text().replace(/\s+/g, ' ').trim();
  const notice = $('#content h2.links')
    .toArray()
    .map((h) => $(h).text().replace(/\s+/g, ' ').trim())
    .find((t) => /now available on/i.test(t));
  if (outdated === '' && notice === undefined) return null;
  return `the list says it has moved (${[notice, outdated]
    .filter((t) => t !== undefined && t !== '')
    .map((t) => JSON.stringify(t))
    .join(', ')}): a frozen copy would hide every later publication`;
}

function stageWord(reportNumber: string): string | undefined {
  const last = reportNumber.split(' ').pop() ?? '';
  return isStage(last) ? last.toLowerCase() : undefined;
}

/** `2023` → 2023, `January 2023` → 2023-01, `January 17, 2023` → 2023-01-17; anything else: no date. */
export function readDate(text: string): string | undefined {
  const s = text.trim().toLowerCase();
  if (/^\d{4}$/.test(s)) return s;
  const monthYear = /^([a-z]+)\.?\s+(\d{4})$/.exec(s);
  const m1 = monthYear ? MONTHS.findIndex((m) => m.startsWith(monthYear[1]!.slice(0, 3))) : -1;
  if (monthYear && m1 >= 0) return `${monthYear[2]}-${String(m1 + 1).padStart(2, '0')}`;
  const full = /^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(s);
  const m2 = full ? MONTHS.findIndex((m) => m.startsWith(full[1]!.slice(0, 3))) : -1;
  if (full && m2 >= 0) return `${full[3]}-${String(m2 + 1).padStart(2, '0')}-${full[2]!.padStart(2, '0')}`;
  if (/^\d{4}-\d{2}(-\d{2})?$/.test(s)) return s;
  return undefined;
}
