import type { Licence } from '../../src/model/licence.js';
import type { PageKind } from '../kind.js';
import { cenProjectOptionsSchema, type CenProjectOptions } from './options.js';
import { projectKey, projectPageUrl } from './project-url.js';
import { CEN_PROJECT_RULES } from './rules.js';
import { FIELD_RULES } from '../../src/rules/common-rules.js';

// A CEN-CENELEC project page (standards.cen.eu 2021, standards.cencenelec.eu/dyn 2021–2025, /ords
// from 2025-12), keyed `cen:<FSP_PROJECT>`: the project number stays while the reference moves on
// (prEN 10160 rev → prEN 10160 → EN 10160:20xx). One page, one record. Metadata only: the
// "Abstract/Scope" row is removed from the parsed page before anything is read (extract.ts, loaded
// with its HTML parser on first use).

export const CEN_PROJECT_LICENCE: Licence = {
  tag: 'proprietary-metadata-only',
  rights: 'CEN-CENELEC copyright — metadata only (a minimal citation per item)',
  attribution:
    'Catalogue metadata from standards.cencenelec.eu (designation, title, committee, status, dates); the standards are © CEN-CENELEC and its national members, who sell them.',
};

export const cenProjectKind: PageKind<CenProjectOptions> = {
  input: 'text',
  id: 'cen-project',
  version: '3',
  publisher: 'CEN-CENELEC',
  licence: CEN_PROJECT_LICENCE,
  // A project page is 25–60 kB in every era; 2 MB leaves room for long relation lists without letting an endless body through.
  maxResponseBytes: 2_000_000,
  options: cenProjectOptionsSchema,
  reports: 'one-document',
  documentUrl: (key, source) => projectPageUrl(key, source.url),
  watches: (source) => {
    const key = projectKey(source.url);
    return { keys: key === undefined ? [] : [key], groups: [] };
  },
  rules: [...CEN_PROJECT_RULES, ...FIELD_RULES],
  // A regional adoption names the standard it adopts (EN ISO/IEC 42001 → ISO/IEC 42001).
  describe: (record) =>
    [record.stageLabel ?? record.phase, ...(record.relations ?? []).filter((r) => r.kind === 'adopts').map((r) => `adopts ${r.reference}`)].join('; '),
  extract: async (body, context) => (await import('./extract.js')).extractCenProject(body, context),
};

export { cenProjectOptionsSchema, type CenProjectOptions } from './options.js';
