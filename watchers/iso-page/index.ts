import * as z from 'zod';
import type { Licence } from '../../src/model/licence.js';
import { HARMONIZED_RULES } from '../../src/rules/harmonized-rules.js';
import type { PageKind } from '../kind.js';
import { keyFromStandardUrl } from './identity.js';

// An iso.org standard page, every markup era from 2018 on (English and French, served or
// browser-saved), read into one record (extract.ts, loaded with its HTML parser on first use).

export const ISO_PAGE_LICENCE: Licence = {
  tag: 'proprietary-metadata-only',
  rights: 'ISO/IEC copyright — metadata only',
  attribution: 'Catalogue metadata from iso.org; the standard itself is © ISO/IEC and sold by ISO and its members.',
  uri: 'https://www.iso.org/terms-conditions-licence-agreement.html',
};

const optionsSchema = z.object({}).strict();

export const isoPageWatcher: PageKind<z.infer<typeof optionsSchema>> = {
  input: 'text',
  id: 'iso-page',
  version: '3',
  publisher: 'ISO',
  licence: ISO_PAGE_LICENCE,
  maxResponseBytes: 5_000_000,
  options: optionsSchema,
  reports: 'one-document',
  // A flagship URL (/standard/42001) names no csnumber: the page's key is known once it is read.
  watches: (source) => {
    const key = keyFromStandardUrl(source.url);
    return { keys: key === undefined ? [] : [key], groups: [] };
  },
  documentUrl: (_key, source) => source.url,
  rules: HARMONIZED_RULES,
  extract: async (body, context) => (await import('./extract.js')).extractIsoPage(body, context),
};
