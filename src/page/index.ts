import type { SourceReport } from '../model/source-report.js';
import type { Item, Severity } from '../model/item.js';
import { changesTableLines, type Vocabulary } from './changes-table.js';
import { findBlocks, type BlockName } from './markers.js';
import { provenanceLines } from './provenance-block.js';

// `regwatch page`: rewrites the two regwatch blocks of a reference page's Markdown and nothing else.
// Every byte outside the blocks is kept (line endings, a missing final newline); the blocks' own
// lines use the line ending of their opening marker. Pure: text in, text out.

export { PageError, type PageErrorCode } from './page-error.js';
export { BLOCK_NAMES, closeMarker, openMarker, type BlockName } from './markers.js';
export { severityWord, type Vocabulary } from './changes-table.js';

export interface PageInput {
  /** The source's items, newest first. */
  items: readonly Item[];
  source: SourceReport;
  /** Rows in the table. Default 5. */
  last?: number;
  /** `reference`: version_bump / substantive / editorial / baseline (spec/severity.md). Default `regwatch`. */
  vocabulary?: Vocabulary;
  minSeverity?: Severity;
  /** Blocks the page must have. Default both. */
  require?: readonly BlockName[];
}

/** The page with its blocks rewritten, and whether that changed anything. Throws PageError and produces nothing on bad markers. */
export function updatePage(text: string, input: PageInput): { text: string; changed: boolean } {
  const blocks = findBlocks(text, input.require);
  const content: Record<BlockName, string[]> = {
    changes: changesTableLines(input.items, {
      last: input.last ?? 5,
      vocabulary: input.vocabulary ?? 'regwatch',
      ...(input.minSeverity !== undefined ? { minSeverity: input.minSeverity } : {}),
    }),
    provenance: provenanceLines(input.source),
  };
  let out = '';
  let cursor = 0;
  for (const block of [...blocks.values()].sort((a, b) => a.contentStart - b.contentStart)) {
    out += text.slice(cursor, block.contentStart);
    // Blank lines around the content: the closing marker can then never be read as a table row or a
    // list item's lazy continuation, in renderers that show HTML comments as text too.
    out += ['', ...content[block.name], ''].map((line) => `${line}${block.eol}`).join('');
    cursor = block.contentEnd;
  }
  out += text.slice(cursor);
  return { text: out, changed: out !== text };
}
