import { load, type Cheerio } from 'cheerio';
import type { Element } from 'domhandler';
import { cutShortReason } from '../../src/fetch/cut-short.js';
import type { DocumentRecord, Relation, Status } from '../../src/model/record.js';
import { editionNumber, supplementOf, undated, yearOf } from './reference.js';
import { iecStage } from './stages.js';

// The publication history XML behind the page's "History" and "Work in progress" tabs:
// `<RES><ROW>` with FULL_NAME, PUB_DATE, STATUS (PUBLISHED, PREPARING, REVISED, REPLACED), STAGE (IEC's
// stage code, on PREPARING rows only), EDITION, PUB_ID, VAP (a variant: RLV, CSV …).
//
// The XML lists the publication's family but never the queried publication itself: the history of
// IEC 60050-103:2009 (pubid 161) lists its amendments only, that of IEC 61326-1:2020 RLV (67782) lists
// IEC 61326-1:2020 and the earlier editions. So the record, keyed by the pubid of the URL, is the
// family's CURRENT EDITION:
// - reference, edition and publication date of the newest PUBLISHED row that is neither a supplement
//   nor a variant (67782 → IEC 61326-1:2020, edition 3.0);
// - else the reference its newest PUBLISHED amendment or corrigendum amends (161 → IEC 60050-103:2009;
//   no edition or date: no row states them);
// - else, when only work in progress is listed, the undated reference of the family (`IEC 60050-395`).
// Its status is `published`. When a new edition is published it becomes the current edition: the
// reference (and edition) move, which is the `new-edition` event. Relations: the amendments and
// corrigenda of the current edition, and its new editions in preparation (`replaced-by`), each keyed
// `iec:<PUB_ID>`, with its status and, while in preparation, its stage code. Earlier editions and
// their supplements, variants and interpretation sheets are left out. Rows are read as a set: their
// order is not a fact (iec-history-67782-* differ by order only).

interface Row {
  reference: string;
  status: string;
  pubDate?: string;
  stage?: string;
  edition?: number;
  pubid?: string;
  variant: boolean;
}

export type HistoryReading = { kind: 'records'; records: Array<Partial<DocumentRecord>> } | { kind: 'unreadable' | 'extraction-failed'; reason: string };

export function readHistory(body: string, pubid: string | undefined): HistoryReading {
  if (body.trim() === '') return { kind: 'unreadable', reason: 'empty body' };
  if (!/^\s*(?:<\?xml[^>]*\?>\s*)?<RES[\s/>]/.test(body)) {
    // The H1 URL answered a 200 "Not Found" HTML page in 2019 (iec-history-161-2019-09-19.html).
    const title = body
      .match(/<title[^>]*>([^<]*)<\/title>/i)?.[1]
      ?.replace(/\s+/g, ' ')
      .trim();
    return {
      kind: 'unreadable',
      reason: title === undefined ? 'not the publication history XML' : `HTML page instead of the history XML (title "${title.slice(0, 80)}")`,
    };
  }

  const cut = /<RES\b[^>]*\/>\s*(?:<!--[\s\S]*?-->\s*)*$/.test(body) ? undefined : cutShortReason(body, 'RES');
  if (cut !== undefined) return { kind: 'unreadable', reason: cut };

  const $ = load(body, { xml: true });
  const rowElements = $('RES > ROW');
  if (rowElements.length === 0) {
    // `<RES>503 https://oracle-api.iec.ch/…</RES>`: the service behind the webstore failed (HTTP 200 all the same).
    const message = $('RES').first().text().replace(/\s+/g, ' ').trim();
    if (message !== '') return { kind: 'unreadable', reason: `history service error "${message.slice(0, 120)}"` };
    // No family rows at all: nothing names the publication, so there is no record to give. The pipeline
    // reports the expected key as missing (source health), never as a change.
    return { kind: 'records', records: [] };
  }
  if (pubid === undefined) {
    return { kind: 'extraction-failed', reason: 'the history XML does not name its publication: the source URL must (…AjaxRequestXML?Openagent&url=<pubid>)' };
  }

  const rows: Row[] = [];
  for (const [index, element] of rowElements.toArray().entries()) {
    const row = readRow($(element));
    if (row === undefined) return { kind: 'extraction-failed', reason: `ROW ${index + 1} has no FULL_NAME or STATUS (has the format changed?)` };
    rows.push(row);
  }

  const current = currentEdition(rows);
  if (current === undefined) return { kind: 'records', records: [] }; // variants only: as above
  const relations = relationsOf(rows, current.reference);
  const record: Partial<DocumentRecord> = {
    key: `iec:${pubid}`,
    reference: current.reference,
    status: 'published',
    phase: 'published',
    ...(current.publicationDate !== undefined && { publicationDate: current.publicationDate }),
    ...(current.edition !== undefined && { edition: current.edition }),
    ...(relations.length > 0 && { relations }),
  };
  return { kind: 'records', records: [record] };
}

function readRow(row: Cheerio<Element>): Row | undefined {
  const field = (name: string) => {
    const value = row.children(name).first().text().replace(/\s+/g, ' ').trim();
    return value === '' ? undefined : value;
  };
  const reference = field('FULL_NAME');
  const status = field('STATUS')?.toUpperCase();
  if (reference === undefined || status === undefined) return undefined;
  const result: Row = { reference, status, variant: field('VAP') !== undefined || /\+|\s(?:RLV|CSV|EXV|CMV|PRV|SER)$/.test(reference) };
  const pubDate = field('PUB_DATE')?.match(/^\d{4}-\d{2}-\d{2}$/)?.[0];
  if (pubDate !== undefined) result.pubDate = pubDate;
  const stage = field('STAGE');
  if (stage !== undefined && status === 'PREPARING') result.stage = stage;
  const edition = editionNumber(field('EDITION'));
  if (edition !== undefined) result.edition = edition;
  const pubid = field('PUB_ID')?.match(/^\d{1,9}$/)?.[0];
  if (pubid !== undefined) result.pubid = pubid;
  return result;
}

interface CurrentEdition {
  reference: string;
  edition?: number;
  publicationDate?: string;
}

function currentEdition(rows: readonly Row[]): CurrentEdition | undefined {
  const publishedEditions = rows.filter((row) => row.status === 'PUBLISHED' && !row.variant && supplementOf(row.reference) === undefined);
  const edition = newest(publishedEditions);
  if (edition !== undefined) {
    return {
      reference: edition.reference,
      ...(edition.edition !== undefined && { edition: edition.edition }),
      ...(edition.pubDate !== undefined && { publicationDate: edition.pubDate }),
    };
  }
  const supplement = newest(rows.filter((row) => row.status === 'PUBLISHED' && !row.variant && supplementOf(row.reference) !== undefined));
  if (supplement !== undefined) return { reference: supplementOf(supplement.reference)!.base };
  const work = rows.filter((row) => !row.variant).map((row) => undated(supplementOf(row.reference)?.base ?? row.reference));
  return work.length > 0 ? { reference: work.sort()[0]! } : undefined;
}

/** Latest first by publication date, then edition, then pubid: the same answer whatever the row order. */
function newest(rows: readonly Row[]): Row | undefined {
  return [...rows].sort(
    (a, b) =>
      (b.pubDate ?? '').localeCompare(a.pubDate ?? '') ||
      (b.edition ?? 0) - (a.edition ?? 0) ||
      Number(b.pubid ?? 0) - Number(a.pubid ?? 0) ||
      a.reference.localeCompare(b.reference),
  )[0];
}

function relationsOf(rows: readonly Row[], current: string): Relation[] {
  const family = undated(current);
  const relations = new Map<string, Relation>();
  for (const row of rows) {
    if (row.variant) continue;
    const supplement = supplementOf(row.reference);
    let kind: Relation['kind'] | undefined;
    if (supplement !== undefined) {
      // `IEC 60050-103:2009/AMD3:2020`, or in preparation `IEC 60050-103/AMD4` (its base undated until published).
      const ofCurrent = supplement.base === current || (yearOf(supplement.base) === undefined && undated(supplement.base) === family);
      if (ofCurrent && supplement.kind !== 'ISH') kind = supplement.kind === 'AMD' ? 'amendment' : 'corrigendum';
    } else if (row.status === 'PREPARING' && undated(row.reference) === family) {
      kind = 'replaced-by';
    }
    if (kind === undefined) continue;
    const relation: Relation = { kind, reference: row.reference };
    if (row.pubid !== undefined) relation.key = `iec:${row.pubid}`;
    const status = statusOf(row);
    if (status !== undefined) relation.status = status;
    if (row.stage !== undefined) relation.stageLabel = row.stage;
    if (row.status === 'PUBLISHED' && row.pubDate !== undefined) relation.date = row.pubDate;
    relations.set(`${kind}\u0000${relation.key ?? relation.reference}`, relation);
  }
  return [...relations.values()].sort((a, b) =>
    `${a.kind}\u0000${a.reference}\u0000${a.key ?? ''}`.localeCompare(`${b.kind}\u0000${b.reference}\u0000${b.key ?? ''}`),
  );
}

function statusOf(row: Row): Status | undefined {
  switch (row.status) {
    case 'PUBLISHED':
      return 'published';
    case 'REVISED':
    case 'REPLACED':
    case 'WITHDRAWN':
      return 'withdrawn';
    case 'PREPARING': {
      const phase = iecStage(row.stage)?.phase;
      return phase === 'deleted' ? 'deleted' : 'under-development';
    }
    default:
      return undefined;
  }
}
