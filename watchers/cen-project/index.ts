import { z } from 'zod';
import type { Licence } from '../../src/model/licence.js';
import { recordSchema, type DocumentRecord } from '../../src/model/record.js';
import type { ExtractContext, ExtractOutcome, PageKind } from '../kind.js';
import { declaredProject, readFields } from './fields.js';
import { BLOCKS, hasBlock, parsePage } from './page.js';
import { projectKey, projectPageUrl } from './project-url.js';
import { CEN_PROJECT_RULES } from './rules.js';
import { FIELD_RULES } from '../../src/rules/common-rules.js';
import { unreadableReason } from './soft-error.js';

// A CEN-CENELEC project page (standards.cen.eu 2021, standards.cencenelec.eu/dyn 2021–2025, /ords
// from 2025-12), keyed `cen:<FSP_PROJECT>`: the project number stays while the reference moves on
// (prEN 10160 rev → prEN 10160 → EN 10160:20xx). One page, one record. Metadata only: the
// "Abstract/Scope" row is removed from the parsed page before anything is read.

export const CEN_PROJECT_LICENCE: Licence = {
  tag: 'proprietary-metadata-only',
  rights: 'CEN-CENELEC copyright — metadata only (a minimal citation per item)',
  attribution:
    'Catalogue metadata from standards.cencenelec.eu (designation, title, committee, status, dates); the standards are © CEN-CENELEC and its national members, who sell them.',
};

export const cenProjectOptionsSchema = z.object({}).strict();
export type CenProjectOptions = z.infer<typeof cenProjectOptionsSchema>;

export const cenProjectKind: PageKind<CenProjectOptions> = {
  input: 'text',
  id: 'cen-project',
  version: '1',
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
  describe: (record) => [record.stageLabel ?? record.phase, ...(record.relations ?? []).filter((r) => r.kind === 'adopts').map((r) => `adopts ${r.reference}`)].join('; '),
  extract: extractCenProject,
};

export function extractCenProject(body: string, context: ExtractContext<CenProjectOptions>): ExtractOutcome {
  const $ = parsePage(body);

  const unreadable = unreadableReason(body, $);
  if (unreadable !== undefined) return { kind: 'unreadable', reason: `cen-project: ${unreadable}` };
  const failed = (why: string): ExtractOutcome => ({ kind: 'extraction-failed', reason: `cen-project: ${context.url}: ${why}` });
  if (!hasBlock($, BLOCKS.project)) return failed(`no "${BLOCKS.project}" block (has the markup changed?)`);

  const fromUrl = projectKey(context.url);
  const declared = declaredProject($);
  if (fromUrl !== undefined && declared !== undefined && fromUrl !== `cen:${declared}`) {
    return failed(`the URL asks for ${fromUrl} but the page is about project ${declared}`);
  }
  const key = fromUrl ?? (declared === undefined ? undefined : `cen:${declared}`);

  const { record, problems } = readFields($);
  const candidate: Partial<DocumentRecord> = { key, ...record };
  const missing = (['key', 'reference', 'status'] as const).filter((field) => candidate[field] === undefined);
  if (missing.length > 0) problems.unshift(`no ${missing.join(', ')} found (has the markup changed?)`);
  if (problems.length > 0) return failed(problems.join('; '));

  const parsed = recordSchema.safeParse(candidate);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`);
    return failed(issues.join('; '));
  }
  return { kind: 'records', records: [parsed.data] };
}
