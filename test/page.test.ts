import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import type { SourceReport } from '../src/model/source-report.js';
import type { Item } from '../src/model/item.js';
import { PageError, updatePage, type PageInput } from '../src/page/index.js';
import { BASELINE_42001, FDIS_42005, HEALTH_42006, SOURCES } from './publish-items.js';

// `regwatch page` on reference pages written the way AI-governance reference sites write them: a
// page per framework with a "Provenance & licence" block and a "Recent Changes" table.

const PUBLISHED_42005: Item = {
  ...FDIS_42005,
  id: 'tag:regwatch,2026:iso_42005/iso:44545/3',
  document: { key: 'iso:44545', reference: 'ISO/IEC 42005:2025', url: 'https://www.iso.org/standard/44545.html' },
  observedAt: '2025-06-02T06:00:12Z',
  effectiveDate: '2025-05-28',
  severity: 'critical',
  event: 'new-edition',
  alsoEvents: [],
  summary: 'ISO/IEC 42005:2025 published [60.60], was under publication [60.00]',
};
const ITEMS: Item[] = [PUBLISHED_42005, FDIS_42005, HEALTH_42006, BASELINE_42001];
const SOURCE: SourceReport = { ...SOURCES[0]!, lastChangeAt: '2025-06-02T06:00:12Z' };
const INPUT: PageInput = { items: ITEMS, source: SOURCE };

const PAGE = `---
title: ISO/IEC 42005 — AI system impact assessment
framework: iso-42005
---

# ISO/IEC 42005

Guidance for organizations conducting AI system impact assessments. Our notes, not ISO's text.

## Provenance & licence

<!-- regwatch:provenance -->
- Source: stale text that regwatch will replace
<!-- /regwatch:provenance -->

## Recent Changes

<!-- regwatch:changes -->
| Date | Severity | What changed |
| --- | --- | --- |
| 2024-01-01 | major | something old |
<!-- /regwatch:changes -->

## Our mapping

| Clause | Control |
| --- | --- |
| 5.2 | A.5 |
`;

const EXPECTED_CHANGES = [
  '| Date | Severity | What changed |',
  '| --- | --- | --- |',
  '| 2025-06-02 | critical | ISO/IEC 42005:2025 published [60.60], was under publication [60.00] (stage date 2025-05-28) |',
  '| 2025-03-10 | major | ISO/IEC 42005: FDIS ballot initiated [50.20], was FDIS registered for formal approval [50.00] (stage date 2025-03-06) |',
  '| 2025-03-01 | baseline | ISO/IEC 42001:2023 first observed: published [60.60] (publication date 2023-12) |',
];

const EXPECTED_PROVENANCE = [
  '- Source: [https://www.iso.org/standard/44545.html](https://www.iso.org/standard/44545.html) (regwatch source `iso_42005`, watcher iso-page 3)',
  '- Document: [ISO/IEC FDIS 42005](https://www.iso.org/standard/44545.html), stage 50.20 (under-development)',
  '- Licence: ISO/IEC copyright — metadata only (`proprietary-metadata-only`), [terms](https://www.iso.org/terms-conditions-licence-agreement.html)',
  '- Attribution: Catalogue metadata from iso.org; the standard itself is © ISO/IEC and sold by ISO and its members.',
  '- Last change observed: 2025-06-02',
];

/** A block's content as written: a blank line, the lines, a blank line. */
function block(lines: string[], eol = '\n'): string {
  return ['', ...lines, ''].map((l) => `${l}${eol}`).join('');
}

function expectedPage(eol: string): string {
  return PAGE.replace('- Source: stale text that regwatch will replace\n', block(EXPECTED_PROVENANCE))
    .replace('| Date | Severity | What changed |\n| --- | --- | --- |\n| 2024-01-01 | major | something old |\n', block(EXPECTED_CHANGES))
    .replace(/\n/g, eol);
}

describe('updatePage rewrites the two blocks and nothing else', () => {
  const cases: Array<{ name: string; page: string; expected: string }> = [
    { name: 'LF', page: PAGE, expected: expectedPage('\n') },
    { name: 'CRLF', page: PAGE.replace(/\n/g, '\r\n'), expected: expectedPage('\r\n') },
    { name: 'no final newline', page: PAGE.slice(0, -1), expected: expectedPage('\n').slice(0, -1) },
    {
      name: 'mixed: a CRLF block in an LF page keeps CRLF inside, LF outside',
      page: PAGE.replace(
        '<!-- regwatch:changes -->\n| Date | Severity | What changed |\n',
        '<!-- regwatch:changes -->\r\n| Date | Severity | What changed |\n',
      ),
      expected: expectedPage('\n').replace(
        `<!-- regwatch:changes -->\n${block(EXPECTED_CHANGES)}`,
        `<!-- regwatch:changes -->\r\n${block(EXPECTED_CHANGES, '\r\n')}`,
      ),
    },
    {
      name: 'empty blocks, changes before provenance, indented markers',
      page: 'Intro\n  <!-- regwatch:changes -->\n<!-- /regwatch:changes -->\n\n<!--regwatch:provenance-->\n  <!-- /regwatch:provenance -->  \ntail',
      expected: `Intro\n  <!-- regwatch:changes -->\n${block(EXPECTED_CHANGES)}<!-- /regwatch:changes -->\n\n<!--regwatch:provenance-->\n${block(EXPECTED_PROVENANCE)}  <!-- /regwatch:provenance -->  \ntail`,
    },
  ];
  for (const { name, page, expected } of cases) {
    it(`${name}: the expected page, then nothing to change on a second run`, () => {
      const first = updatePage(page, INPUT);
      expect(first).toEqual({ text: expected, changed: true });
      expect(updatePage(first.text, INPUT)).toEqual({ text: expected, changed: false });
      expect(updatePage(first.text, structuredClone(INPUT))).toEqual({ text: expected, changed: false });
    });
  }

  it('keeps every byte before the first block and after the last one', () => {
    const crlf = PAGE.replace(/\n/g, '\r\n');
    const { text } = updatePage(crlf, INPUT);
    const head = crlf.slice(0, crlf.indexOf('<!-- regwatch:provenance -->'));
    const tail = crlf.slice(crlf.indexOf('<!-- /regwatch:changes -->'));
    expect(text.startsWith(head)).toBe(true);
    expect(text.endsWith(tail)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // no bare LF or CR was introduced
  });

  it('markers inside a fenced code block or in prose are not blocks', () => {
    const page = `${PAGE}\nTo add the table, write:\n\n\`\`\`markdown\n<!-- regwatch:changes -->\n<!-- /regwatch:changes -->\n\`\`\`\n\nor mention \`<!-- regwatch:changes -->\` inline.\n`;
    const { text } = updatePage(page, INPUT);
    expect(text.endsWith('```markdown\n<!-- regwatch:changes -->\n<!-- /regwatch:changes -->\n```\n\nor mention `<!-- regwatch:changes -->` inline.\n')).toBe(
      true,
    );
  });
});

describe('the table', () => {
  it('last N, newest first; no source-health rows; the reference vocabulary of spec/severity.md', () => {
    const minor: Item = {
      ...FDIS_42005,
      id: 'tag:regwatch,2026:x/1',
      severity: 'minor',
      event: 'confirmed',
      summary: 'minor one',
      effectiveDate: null,
      effectiveDateKind: null,
    };
    const info: Item = { ...minor, id: 'tag:regwatch,2026:x/2', severity: 'info', event: 'pages-changed', summary: 'info one' };
    const page = '<!-- regwatch:changes -->\n<!-- /regwatch:changes -->\n';
    const { text } = updatePage(page, {
      ...INPUT,
      items: [PUBLISHED_42005, FDIS_42005, minor, HEALTH_42006, info, BASELINE_42001],
      vocabulary: 'reference',
      last: 5,
      require: ['changes'],
    });
    expect(
      text
        .split('\n')
        .filter((l) => l.startsWith('| 2'))
        .map((row) => row.split(' | ')[1]),
    ).toEqual(['version_bump', 'substantive', 'substantive', 'editorial', 'baseline']);
    const two = updatePage(page, { ...INPUT, last: 2, require: ['changes'] }).text;
    expect(two.split('\n').filter((l) => l.startsWith('| 2'))).toEqual(EXPECTED_CHANGES.slice(2, 4));
    const majorUp = updatePage(page, { ...INPUT, minSeverity: 'major', require: ['changes'] }).text;
    expect(majorUp).not.toContain('baseline');
    expect(updatePage(page, { ...INPUT, items: [HEALTH_42006], require: ['changes'] }).text).toBe(
      '<!-- regwatch:changes -->\n\nNo changes recorded yet.\n\n<!-- /regwatch:changes -->\n',
    );
  });

  it('escapes cells so markdown-it (GFM tables) reads back exactly the summary', () => {
    const hostile: Item = { ...FDIS_42005, summary: 'A | B \\| C <b>bold</b> &amp; D\\', effectiveDate: null, effectiveDateKind: null };
    const { text } = updatePage('<!-- regwatch:changes -->\n<!-- /regwatch:changes -->\n', { ...INPUT, items: [hostile], require: ['changes'] });
    const tokens = new MarkdownIt({ html: true }).parse(text, {}); // html on, as GitHub renders pages
    const cells = tokens.filter((t) => t.type === 'inline').map((t) => t.children!.map((c) => c.content).join(''));
    expect(cells).toEqual(['Date', 'Severity', 'What changed', '2025-03-10', 'major', hostile.summary]);
    expect(new MarkdownIt({ html: true }).render(text)).not.toContain('<b>');
    // With HTML off the markers show as text, and the table still ends before the closing marker.
    const plain = new MarkdownIt()
      .parse(text, {})
      .filter((t) => t.type === 'inline')
      .map((t) => t.content);
    expect(plain.at(-1)).toBe('<!-- /regwatch:changes -->');
  });

  it('the provenance block renders as a list with working links (markdown-it)', () => {
    const odd: SourceReport = {
      ...SOURCE,
      url: 'https://example.org/a (b)/c',
      documents: [],
      state: 'degraded',
      consecutiveFailures: 3,
      lastDetail: 'fetch: GET <x> returned 403 | blocked',
    };
    const { text } = updatePage('<!-- regwatch:provenance -->\n<!-- /regwatch:provenance -->\n', { ...INPUT, source: odd, require: ['provenance'] });
    const html = new MarkdownIt({ html: true }).render(text);
    expect(html).toContain('<a href="https://example.org/a%20%28b%29/c">https://example.org/a (b)/c</a>');
    expect(html).toContain('<li>Source health: degraded, 3 failed checks in a row (fetch: GET &lt;x&gt; returned 403 | blocked)</li>');
  });

  it('a source no check has read yet says so, with why', () => {
    const unread: SourceReport = {
      ...SOURCE,
      documents: [],
      state: 'never-read',
      consecutiveFailures: 1,
      lastGoodCheckAt: null,
      lastDetail: 'fetch: GET x returned 404',
    };
    const { text } = updatePage('<!-- regwatch:provenance -->\n<!-- /regwatch:provenance -->\n', { ...INPUT, source: unread, require: ['provenance'] });
    expect(text).toContain('- Source health: not read yet, 1 failed checks (fetch: GET x returned 404)');
  });
});

describe('bad markers: a typed error naming the marker and its line, and no page', () => {
  const cases: Array<[string, string, PageError['code'], string, number | null]> = [
    ['missing provenance', '<!-- regwatch:changes -->\n<!-- /regwatch:changes -->\n', 'PAGE_MARKER_MISSING', '<!-- regwatch:provenance -->', null],
    ['never closed', 'a\n<!-- regwatch:changes -->\nb\n', 'PAGE_MARKER_UNBALANCED', '<!-- regwatch:changes -->', 2],
    ['closed, never opened', 'a\r\nb\r\n<!-- /regwatch:changes -->\r\n', 'PAGE_MARKER_UNBALANCED', '<!-- /regwatch:changes -->', 3],
    ['closes the other kind', '<!-- regwatch:changes -->\n<!-- /regwatch:provenance -->\n', 'PAGE_MARKER_UNBALANCED', '<!-- /regwatch:provenance -->', 2],
    [
      'nested',
      '<!-- regwatch:provenance -->\nx\n<!-- regwatch:changes -->\n<!-- /regwatch:changes -->\n<!-- /regwatch:provenance -->\n',
      'PAGE_MARKER_NESTED',
      '<!-- regwatch:changes -->',
      3,
    ],
    ['duplicated', `${PAGE}\n<!-- regwatch:changes -->\n<!-- /regwatch:changes -->\n`, 'PAGE_MARKER_DUPLICATED', '<!-- regwatch:changes -->', 30],
    [
      'a second closing marker',
      '<!-- regwatch:changes -->\n<!-- /regwatch:changes -->\n<!-- /regwatch:changes -->\n',
      'PAGE_MARKER_DUPLICATED',
      '<!-- /regwatch:changes -->',
      3,
    ],
    ['a misspelt block', '<!-- regwatch:chagnes -->\n', 'PAGE_MARKER_UNKNOWN', '<!-- regwatch:chagnes -->', 1],
    ['an opening marker on the last line without a newline', 'a\n<!-- regwatch:changes -->', 'PAGE_MARKER_UNBALANCED', '<!-- regwatch:changes -->', 2],
  ];
  for (const [name, page, code, marker, line] of cases) {
    it(name, () => {
      let thrown: unknown;
      try {
        updatePage(page, INPUT);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(PageError);
      expect(thrown).toMatchObject({ code, marker, line });
      expect((thrown as Error).message).toMatch(line === null ? /^page: <!-- / : new RegExp(`^page: line ${line}: <!-- `));
    });
  }
});
