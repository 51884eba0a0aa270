import { recordSchema, type DocumentRecord } from '../../src/model/record.js';
import type { ExtractContext, ExtractOutcome } from '../kind.js';
import { declaredProject, readFields } from './fields.js';
import type { CenProjectOptions } from './options.js';
import { BLOCKS, hasBlock, parsePage } from './page.js';
import { projectKey } from './project-url.js';
import { unreadableReason } from './soft-error.js';

// A CEN-CENELEC project page read into one validated record.

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
