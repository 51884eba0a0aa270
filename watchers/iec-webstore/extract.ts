import { recordSchema, type DocumentRecord } from '../../src/model/record.js';
import type { ExtractContext, ExtractOutcome } from '../kind.js';
import { readHistory, type HistoryReading } from './history.js';
import type { IecWebstoreOptions } from './options.js';
import { readPublicationPage } from './page.js';
import { readSourceUrl } from './source-url.js';

// A webstore answer, publication page or history XML, read into validated records.

export function extractIecWebstore(body: string, context: Pick<ExtractContext<IecWebstoreOptions>, 'url'>): ExtractOutcome {
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
