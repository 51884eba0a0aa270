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
  // Every block is on every project page of every era: one gone is a redesign, never empty fields
  // (a lost legal block would read as an OJEU citation withdrawn).
  const gone = Object.values(BLOCKS).filter((name) => !hasBlock($, name));
  if (gone.length > 0) return failed(`no ${gone.map((name) => `"${name}"`).join(', ')} block (has the markup changed?)`);

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
