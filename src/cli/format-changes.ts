import type { Item } from '../model/item.js';
import { noChangesText, type Severity } from '../model/severity.js';
import { markdownText } from '../page/markdown.js';
import { whatChanged } from '../publish/item-facts.js';
import { formatChangesCsv } from './format-changes-csv.js';
import { jsonForTerminal, visibleControls } from './terminal-text.js';

// The "Recent Changes" table of an AI-governance reference page: Date | Severity | What changed.

export const CHANGES_FORMATS = ['table', 'markdown', 'json', 'csv'] as const;
export type ChangesFormat = (typeof CHANGES_FORMATS)[number];

/**
 * A Markdown table cell that stays one cell and shows its text as text wherever it is pasted, with
 * control characters shown as escapes first.
 */
function markdownCell(text: string): string {
  return markdownText(visibleControls(text));
}

export function formatChanges(items: Item[], format: ChangesFormat, minSeverity?: Severity): string {
  if (format === 'json') return `${jsonForTerminal(items)}\n`;
  if (format === 'csv') return formatChangesCsv(items);
  const rows = items.map((item) => [item.observedAt.slice(0, 10), item.severity, whatChanged(item)] as const);
  // As the page's table says it (src/page): a sentence, not an empty table.
  if (rows.length === 0) return `${noChangesText(minSeverity)}\n`;
  if (format === 'markdown') {
    return ['| Date | Severity | What changed |', '| --- | --- | --- |', ...rows.map((r) => `| ${r.map(markdownCell).join(' | ')} |`)].join('\n') + '\n';
  }
  const width = Math.max('Severity'.length, ...rows.map((r) => r[1].length));
  const lines = [
    `Date        ${'Severity'.padEnd(width)}  What changed`,
    ...rows.map(([date, severity, what]) => `${date}  ${severity.padEnd(width)}  ${visibleControls(what)}`),
  ];
  return `${lines.join('\n')}\n`;
}
