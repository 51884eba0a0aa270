import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, formatChangesCsv } from '../src/cli/format-changes-csv.js';
import type { Item } from '../src/model/item.js';
import { itWithClient, missingExecutable } from './clients.js';
import { BASELINE_42001, FDIS_42005, HEALTH_42006 } from './publish-items.js';

// The CSV read back by Python's csv module (the reader spreadsheets' importers behave like), run as
// `command -p python3` so the system's default PATH finds it.

const READ_BACK = `
import csv, io, json, sys
data = sys.stdin.buffer.read().decode("utf-8")
print(json.dumps(list(csv.reader(io.StringIO(data, newline="")))))
`;

function pythonCsv(text: string): string[][] {
  const run = spawnSync('/bin/sh', ['-c', 'command -p python3 -c "$0"', READ_BACK], { input: text, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 csv failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as string[][];
}

const python = spawnSync('/bin/sh', ['-c', 'command -p -v python3'], { encoding: 'utf8' });
const missingPython = python.status === 0 ? missingExecutable(python.stdout.trim()) : 'python3 not on the default PATH';

const AWKWARD: Item = {
  ...FDIS_42005,
  id: 'tag:regwatch,2026:iso_42005/iso:44545/awkward',
  document: { key: 'iso:44545', reference: 'ISO/IEC 42005, "draft"', url: 'https://www.iso.org/standard/44545.html?a=1,b=2' },
  summary: 'Line one, with a comma\r\nline two "quoted"\nline three\rend; ünïcødé 🚀\u0000',
};

describe('changes --format csv', () => {
  it('is RFC 4180 on the wire: CRLF after every record, quoted only where needed', () => {
    const csv = formatChangesCsv([FDIS_42005, BASELINE_42001]);
    expect(csv.split('\r\n')).toEqual([
      'date,severity,event,reference,summary,effective_date,effective_date_kind,source,item_id,document_url',
      '2025-03-10,major,fdis,ISO/IEC FDIS 42005,"ISO/IEC 42005: FDIS ballot initiated [50.20], was FDIS registered for formal approval [50.00]",2025-03-06,stage-date,iso_42005,"tag:regwatch,2026:iso_42005/iso:44545/2",https://www.iso.org/standard/44545.html',
      '2025-03-01,baseline,baseline,ISO/IEC 42001:2023,ISO/IEC 42001:2023 first observed: published [60.60],2023-12,publication-date,iso_42001,"tag:regwatch,2026:iso_42001/iso:81230/1",https://www.iso.org/standard/81230.html',
      '',
    ]);
    expect(formatChangesCsv([])).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });

  itWithClient("python3's csv module reads back every field exactly, embedded quotes, commas and line breaks included", missingPython, () => {
    const items = [AWKWARD, FDIS_42005, HEALTH_42006, BASELINE_42001];
    const rows = pythonCsv(formatChangesCsv(items));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(items.length + 1);
    expect(rows[1]).toEqual([
      '2025-03-10',
      'major',
      'fdis',
      'ISO/IEC 42005, "draft"',
      'Line one, with a comma\r\nline two "quoted"\nline three\rend; ünïcødé 🚀',
      '2025-03-06',
      'stage-date',
      'iso_42005',
      'tag:regwatch,2026:iso_42005/iso:44545/awkward',
      'https://www.iso.org/standard/44545.html?a=1,b=2',
    ]);
    // A source-health item has no document: empty reference and URL, no effective date.
    expect(rows[3]).toEqual(['2025-03-09', 'info', 'source-health', '', HEALTH_42006.summary, '', '', 'iso_42006', HEALTH_42006.id, '']);
    expect(rows.slice(1).map((r) => r[8])).toEqual(items.map((i) => i.id));
  });
});
