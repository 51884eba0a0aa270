import type { SourceReport } from '../model/source-report.js';
import { visibleControls } from './terminal-text.js';

/** `regwatch sources`: one line per source. */
export function formatSources(reports: SourceReport[]): string {
  const header = ['Source', 'State', 'Last verdict', 'Last good check', 'Last change', 'Detail'];
  const rows = reports.map((r) =>
    [r.id, r.state, r.lastVerdict ?? '-', r.lastGoodCheckAt ?? 'never', r.lastChangeAt ?? 'never', r.lastDetail ?? ''].map(visibleControls),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
