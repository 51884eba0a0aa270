import type { Item } from '../model/item.js';
import { jsonForTerminal, visibleControls } from './terminal-text.js';

// The "Recent Changes" table of an AI-governance reference page: Date | Severity | What changed.

export type ChangesFormat = 'table' | 'markdown' | 'json';

/** The summary with its labelled effective date: the "What changed" cell. */
export function whatChanged(item: Item): string {
  const effective = item.effectiveDate === null ? '' : ` (${item.effectiveDateKind === 'publication-date' ? 'publication date' : 'stage date'} ${item.effectiveDate})`;
  return `${item.summary}${effective}`;
}

/**
 * A Markdown table cell that stays one cell and shows its text as text wherever it is pasted: `|`
 * and `\` escaped for the table, `&`, `<` and `>` as entities (a reference page renders it as HTML).
 */
function markdownCell(text: string): string {
  return visibleControls(text)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function formatChanges(items: Item[], format: ChangesFormat): string {
  if (format === 'json') return `${jsonForTerminal(items)}\n`;
  const rows = items.map((item) => [item.observedAt.slice(0, 10), item.severity, whatChanged(item)] as const);
  if (format === 'markdown') {
    return ['| Date | Severity | What changed |', '| --- | --- | --- |', ...rows.map((r) => `| ${r.map(markdownCell).join(' | ')} |`)].join('\n') + '\n';
  }
  if (rows.length === 0) return 'No changes recorded yet.\n';
  const width = Math.max('Severity'.length, ...rows.map((r) => r[1].length));
  const lines = [`Date        ${'Severity'.padEnd(width)}  What changed`, ...rows.map(([date, severity, what]) => `${date}  ${severity.padEnd(width)}  ${visibleControls(what)}`)];
  return `${lines.join('\n')}\n`;
}
