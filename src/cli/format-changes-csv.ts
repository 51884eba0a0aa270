import type { Item } from '../model/item.js';
import { publishableText } from '../publish/sanitize.js';

// `regwatch changes --format csv`: RFC 4180 (CRLF after every record, the header included; a field
// with a quote, comma, CR or LF is quoted, its quotes doubled), one row per item, newest first.

export const CSV_COLUMNS = [
  'date',
  'severity',
  'event',
  'reference',
  'summary',
  'effective_date',
  'effective_date_kind',
  'source',
  'item_id',
  'document_url',
] as const;

export function formatChangesCsv(items: readonly Item[]): string {
  const rows = items.map((item) => [
    item.observedAt.slice(0, 10),
    item.severity,
    item.event,
    item.document?.reference ?? '',
    item.summary,
    item.effectiveDate ?? '',
    item.effectiveDateKind ?? '',
    item.source,
    item.id,
    item.document?.url ?? '',
  ]);
  return [[...CSV_COLUMNS], ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

function csvField(value: string): string {
  const text = publishableText(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
