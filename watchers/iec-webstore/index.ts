import { z } from 'zod';
import type { Licence } from '../../src/model/licence.js';
import { recordSchema, type DocumentRecord } from '../../src/model/record.js';
import type { ExtractContext, ExtractOutcome, PageKind } from '../kind.js';
import { readHistory, type HistoryReading } from './history.js';
import { readPublicationPage } from './page.js';
import { IEC_RULES } from './rules.js';
import { FIELD_RULES } from '../../src/rules/common-rules.js';
import { publicationPageUrl, readSourceUrl } from './source-url.js';

// The IEC webstore (webstore.iec.ch, 2018–2023): one kind for its two answers about a publication,
// both keyed `iec:<pubid>`. A source's URL is either
// - the publication page, https://webstore.iec.ch/publication/<pubid>: reference, title, withdrawn
//   or in force, edition, dates, committee, ICS, pages, languages, "replaced by" notes (page.ts); or
// - its history XML, …/webstore.nsf/AjaxRequestXML?Openagent&url=<pubid> (or the older
//   url=http://www.iec.ch/dyn/www/f?p=103:390:::::P390_PUBLICATION_ID:<pubid>): the current edition
//   with its amendments and new editions, published or in preparation with IEC's stage codes (history.ts).
// A user who wants both configures two sources; the same document seen by both in one run is one item.

export const IEC_WEBSTORE_LICENCE: Licence = {
  tag: 'proprietary-metadata-only',
  rights: 'IEC copyright — metadata only',
  attribution: 'Catalogue metadata from the IEC Webstore (webstore.iec.ch); the publications themselves are © IEC and sold by IEC and its National Committees.',
};

type Options = Record<string, never>;

export const iecWebstore: PageKind<Options> = {
  input: 'text',
  id: 'iec-webstore',
  version: '1',
  publisher: 'IEC',
  licence: IEC_WEBSTORE_LICENCE,
  // Pages are 7–26 kB, history answers under 10 kB: 2 MB leaves room for a long family history.
  maxResponseBytes: 2_000_000,
  options: z.object({}).strict(),
  reports: 'one-document',
  documentUrl: (key) => publicationPageUrl(key.replace(/^iec:/, '')),
  watches: (source) => {
    const url = readSourceUrl(source.url);
    return { keys: url.kind === 'unknown' ? [] : [`iec:${url.pubid}`], groups: [] };
  },
  rules: [...IEC_RULES, ...FIELD_RULES],
  extract: extractIecWebstore,
};

export function extractIecWebstore(body: string, context: Pick<ExtractContext<Options>, 'url'>): ExtractOutcome {
  const reading = read(body, context.url);
  if (reading.kind !== 'records') return { kind: reading.kind, reason: `iec-webstore: ${context.url}: ${reading.reason}` };

  const records: DocumentRecord[] = [];
  for (const record of reading.records) {
    const parsed = recordSchema.safeParse(record);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`);
      return { kind: 'extraction-failed', reason: `iec-webstore: ${context.url}: ${issues.join('; ')}` };
    }
    records.push(parsed.data);
  }
  return { kind: 'records', records };
}

/** By the URL; a `file://` body (regwatch inspect) by its first element. */
function read(body: string, url: string): HistoryReading {
  const source = readSourceUrl(url);
  if (source.kind === 'history') return readHistory(body, source.pubid);
  if (source.kind === 'unknown' && /^\s*(?:<\?xml[^>]*\?>\s*)?<RES[\s/>]/.test(body)) return readHistory(body, undefined);
  const page = readPublicationPage(body, url);
  return page.kind === 'record' ? { kind: 'records', records: [page.record] } : page;
}
