import { describe, expect, it } from 'vitest';
import { formatChanges } from '../src/cli/format-changes.js';
import { formatSources } from '../src/cli/format-sources.js';
import { formatRefreshOutcomes } from '../src/cli/format-refresh.js';
import { jsonForTerminal, visibleControls } from '../src/cli/terminal-text.js';
import type { Item } from '../src/model/item.js';
import { FDIS_42005, SOURCES } from './publish-items.js';

// What the CLI prints from stored data: an ESC sequence that reached the database before records
// refused control characters (or a soft-error page's title quoted in a detail) must reach the
// terminal as visible text, never as an instruction (issue 8).

const ESCAPES = 'ISO/IEC 42005\u001b[2J\u001b]0;owned\u0007 \u009b31m \u007f';
const SHOWN = 'ISO/IEC 42005\\x1b[2J\\x1b]0;owned\\x07 \\x9b31m \\x7f';
// Any C0 control but the line ends the output itself writes, DEL, C1.
const CONTROL_IN_OUTPUT = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const stored: Item = { ...FDIS_42005, summary: ESCAPES };

describe('visibleControls', () => {
  it('shows C0, DEL and C1 controls as \\xNN and leaves other text alone', () => {
    expect(visibleControls(ESCAPES)).toBe(SHOWN);
    expect(visibleControls('ISO/IEC 42001:2023 — Información, שלום, 🚀')).toBe('ISO/IEC 42001:2023 — Información, שלום, 🚀');
  });
});

describe('regwatch changes', () => {
  it('table: a stored summary with escape sequences is printed as visible text', () => {
    const out = formatChanges([stored], 'table');
    expect(out).not.toMatch(CONTROL_IN_OUTPUT);
    expect(out).toContain(SHOWN);
  });

  it('markdown: escapes <, > and & (the table is pasted into pages), keeps | and \\ escaped, shows controls', () => {
    const hostile: Item = { ...FDIS_42005, summary: 'ISO/IEC 42005 <img src=x onerror=alert(1)> R&D | C:\\dir' };
    const row = formatChanges([hostile], 'markdown').split('\n')[2]!;
    expect(row).toBe('| 2025-03-10 | major | ISO/IEC 42005 &lt;img src=x onerror=alert(1)&gt; R&amp;D \\| C:\\\\dir (stage date 2025-03-06) |');
    expect(formatChanges([stored], 'markdown')).not.toMatch(CONTROL_IN_OUTPUT);
  });

  it('json: the same items, with no raw DEL or C1 character', () => {
    const out = formatChanges([stored], 'json');
    expect(out).not.toMatch(CONTROL_IN_OUTPUT);
    expect(JSON.parse(out)).toEqual([stored]);
    expect(jsonForTerminal([FDIS_42005])).toBe(JSON.stringify([FDIS_42005], null, 2));
  });
});

describe('regwatch sources', () => {
  it('shows controls in a stored detail as visible text', () => {
    const out = formatSources([{ ...SOURCES[0]!, lastDetail: `fetch: the page title says not found ("${ESCAPES}")` }]);
    expect(out).not.toMatch(CONTROL_IN_OUTPUT);
    expect(out).toContain(SHOWN);
  });
});

describe('regwatch refresh', () => {
  it('prints one line per source, controls in summaries and details shown as visible text', () => {
    const out = formatRefreshOutcomes([
      { sourceId: 'iso_42005', verdict: 'changed', detail: null, summaries: [`${ESCAPES}: published`, 'ISO/IEC 42005:2025/Amd 1: registered'] },
      {
        sourceId: 'iso_42006',
        verdict: 'unreadable',
        detail: `fetch: GET https://www.iso.org/standard/44546.html returned 200 but the page title says not found ("${ESCAPES}")`,
        summaries: [],
      },
      { sourceId: 'iso_42001', verdict: 'unchanged', detail: null, summaries: [] },
    ]);
    expect(out).not.toMatch(CONTROL_IN_OUTPUT);
    expect(out.split('\n')).toEqual([
      `iso_42005  changed            ${SHOWN}: published; ISO/IEC 42005:2025/Amd 1: registered`,
      `iso_42006  unreadable         fetch: GET https://www.iso.org/standard/44546.html returned 200 but the page title says not found ("${SHOWN}")`,
      'iso_42001  unchanged',
      '',
    ]);
  });
});
