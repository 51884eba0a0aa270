import type { PageKind } from '../kind.js';
import { techpubsOptionsSchema, type TechpubsOptions } from './options.js';
import { keyOfIdentifier } from '../nist-csrc/identifier.js';
import { NIST_LICENCE } from '../nist-csrc/index.js';
import { draftReleased, finalPublished, unlistedRecord } from '../nist-csrc/rules.js';

// A series list of NIST-Tech-Pubs, NIST Research Library's own metadata of NIST Technical Series
// publications: https://pages.nist.gov/NIST-Tech-Pubs/AI.html lists the NIST AI series (AI 100-1
// AI RMF, AI 100-2e2023, AI 100-3), which the CSRC catalogue does not carry. One record per
// listed publication, its ipd and final as versions, keyed like CSRC's (`nist:AI.100-1`,
// `nist:AI.100-2e2023`), so the same rules apply.
//
// A weak source (../shared/fixtures/nist/README.md §3): the HTML lists stopped in 2024 (the page now
// says it has moved, and that page is reported `unreadable`, see list.ts), it says nothing of
// withdrawals or comment periods, and its dates are often only a year. NIST's data slips seen in
// the recordings — `error: NIST AI 100-1`, `NIST AI NIST AI 100-2e2023 ipd`, `2023` becoming
// `January 2023`, titles and authors rewritten — change no key and raise no event.

export const nistTechpubs: PageKind<TechpubsOptions> = {
  id: 'nist-techpubs',
  version: '3',
  publisher: 'NIST',
  licence: NIST_LICENCE,
  maxResponseBytes: 2_000_000,
  options: techpubsOptionsSchema,
  input: 'text',
  reports: 'catalogue',
  documentUrl: (key) => `https://doi.org/10.6028/NIST.${key.slice('nist:'.length)}`,
  watches: ({ options }) => ({ keys: [...new Set((options.documents ?? []).map((d) => keyOfIdentifier(d)!))], groups: [] }),
  placeholder: unlistedRecord,
  // The list's titles, authors and dates are rewritten without news (README §3): only versions count.
  rules: [finalPublished, draftReleased],
  unclassifiedChanges: 'quiet',
  extract: async (body, context) => (await import('./extract.js')).extractTechpubs(body, context),
};

export { techpubsOptionsSchema, type TechpubsOptions } from './options.js';
