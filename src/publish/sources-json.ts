import type { SourceReport } from '../model/source-report.js';
import { sanitizeDeep } from './sanitize.js';

/**
 * sources.json: `{version:1, generatedAt, sources}`. The rows are written as source-reports builds
 * them (keys in their construction order, so equal reports give equal bytes), strings made XML-safe
 * like every other output.
 */
export function renderSourcesJson(sources: SourceReport[], generatedAt: string): string {
  return `${JSON.stringify({ version: 1, generatedAt, sources: sanitizeDeep(sources) }, null, 2)}\n`;
}
