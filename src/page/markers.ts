import { PageError } from './page-error.js';

// Finds the regwatch blocks of a Markdown page. A marker is an HTML comment alone on its line
// (`<!-- regwatch:changes -->` … `<!-- /regwatch:changes -->`), outside fenced code blocks, so a
// page may show the syntax in a code sample or mention it in prose without it counting.

export const BLOCK_NAMES = ['changes', 'provenance'] as const;
export type BlockName = (typeof BLOCK_NAMES)[number];

export interface Block {
  name: BlockName;
  /** Offset just after the opening marker's line ending: where the block's content starts. */
  contentStart: number;
  /** Offset of the start of the closing marker's line: where the content ends. */
  contentEnd: number;
  /** The opening marker line's ending, which the generated content uses. */
  eol: '\n' | '\r\n' | '\r';
}

interface Line {
  number: number;
  start: number;
  text: string;
  eol: '' | '\n' | '\r\n' | '\r';
}

const MARKER = /^\s*<!--\s*(\/?)regwatch:([A-Za-z0-9_-]*)\s*-->\s*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export function openMarker(name: string): string {
  return `<!-- regwatch:${name} -->`;
}
export function closeMarker(name: string): string {
  return `<!-- /regwatch:${name} -->`;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const pattern = /\r\n|\n|\r/g;
  let start = 0;
  let number = 1;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    lines.push({ number: number++, start, text: text.slice(start, match.index), eol: match[0] as Line['eol'] });
    start = match.index + match[0].length;
  }
  if (start < text.length) lines.push({ number, start, text: text.slice(start), eol: '' });
  return lines;
}

/** Every block of the page, each exactly once; throws PageError on anything else. */
export function findBlocks(text: string, required: readonly BlockName[] = BLOCK_NAMES): Map<BlockName, Block> {
  const blocks = new Map<BlockName, Block>();
  let open: { name: BlockName; line: Line } | undefined;
  let fence: string | undefined;
  for (const line of splitLines(text)) {
    const fenceMatch = FENCE.exec(line.text);
    if (fenceMatch) {
      const marker = fenceMatch[1]!;
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length && line.text.trim() === marker) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const match = MARKER.exec(line.text);
    if (match === null) continue;
    const closing = match[1] === '/';
    const name = match[2]!;
    const written = line.text.trim();
    if (!(BLOCK_NAMES as readonly string[]).includes(name)) {
      throw new PageError('PAGE_MARKER_UNKNOWN', written, line.number, `is not a regwatch block (known: ${BLOCK_NAMES.join(', ')})`);
    }
    const blockName = name as BlockName;
    if (!closing) {
      if (open !== undefined) {
        throw new PageError('PAGE_MARKER_NESTED', written, line.number, `opens a block inside ${openMarker(open.name)} of line ${open.line.number}`);
      }
      if (blocks.has(blockName))
        throw new PageError('PAGE_MARKER_DUPLICATED', written, line.number, 'appears a second time: a page has one block of each kind');
      if (line.eol === '') throw new PageError('PAGE_MARKER_UNBALANCED', written, line.number, `is the last line: ${closeMarker(blockName)} is missing`);
      open = { name: blockName, line };
      continue;
    }
    if (open === undefined) {
      const detail = blocks.has(blockName) ? 'appears a second time: a page has one block of each kind' : 'closes a block that was never opened';
      throw new PageError(blocks.has(blockName) ? 'PAGE_MARKER_DUPLICATED' : 'PAGE_MARKER_UNBALANCED', written, line.number, detail);
    }
    if (open.name !== blockName) {
      throw new PageError(
        'PAGE_MARKER_UNBALANCED',
        written,
        line.number,
        `closes a block, but ${openMarker(open.name)} of line ${open.line.number} is the one open`,
      );
    }
    blocks.set(blockName, {
      name: blockName,
      contentStart: open.line.start + open.line.text.length + open.line.eol.length,
      contentEnd: line.start,
      eol: open.line.eol as Block['eol'],
    });
    open = undefined;
  }
  if (open !== undefined) {
    throw new PageError('PAGE_MARKER_UNBALANCED', openMarker(open.name), open.line.number, `is never closed (${closeMarker(open.name)} is missing)`);
  }
  for (const name of required) {
    if (!blocks.has(name))
      throw new PageError('PAGE_MARKER_MISSING', openMarker(name), null, `is missing: add ${openMarker(name)} and ${closeMarker(name)}, each on its own line`);
  }
  return blocks;
}
