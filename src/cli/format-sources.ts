import type { SourceReport } from '../model/source-report.js';
import { visibleControls } from './terminal-text.js';
import { textTable } from './text-table.js';

/** `regwatch sources`: one line per source. */
export function formatSources(reports: SourceReport[]): string {
  const header = ['Source', 'State', 'Last verdict', 'Last good check', 'Last change', 'Detail'];
  const rows = reports.map((r) =>
    [r.id, r.state, r.lastVerdict ?? '-', r.lastGoodCheckAt ?? 'never', r.lastChangeAt ?? 'never', r.lastDetail ?? ''].map(visibleControls),
  );
  return textTable(header, rows);
}
