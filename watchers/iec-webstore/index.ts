import * as z from 'zod';
import type { Licence } from '../../src/model/licence.js';
import type { PageKind } from '../kind.js';
import { type IecWebstoreOptions } from './options.js';
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
// extract.ts reads them, loaded with its HTML parser on first use.

export const IEC_WEBSTORE_LICENCE: Licence = {
  tag: 'proprietary-metadata-only',
  rights: 'IEC copyright — metadata only',
  attribution: 'Catalogue metadata from the IEC Webstore (webstore.iec.ch); the publications themselves are © IEC and sold by IEC and its National Committees.',
};

export const iecWebstore: PageKind<IecWebstoreOptions> = {
  input: 'text',
  id: 'iec-webstore',
  version: '3',
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
  extract: async (body, context) => (await import('./extract.js')).extractIecWebstore(body, context),
};

export { type IecWebstoreOptions } from './options.js';
