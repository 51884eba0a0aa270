// Linear-time stand-ins for the regular expressions soft-error.ts applied to whole bodies. Each of
// `<!--[\s\S]*?-->`, `<[^>]*>`, `<script\b[\s\S]*?<\/script\s*>` and `<title[^>]*>…<\/title>`
// restarts its scan at every opening that has no end, so a body of repeated `<!--` took quadratic
// time (300 KB: 36 s of CPU, the server frozen). Each function returns exactly what its regex did
// (test/fetch-html-scan.test.ts compares them on generated markup), in one pass: once an end is
// missing after some position, it is missing after every later one too, so the scan stops there.

const BLOCK_ELEMENTS = ['script', 'style', 'noscript', 'template'] as const;
type BlockElement = (typeof BLOCK_ELEMENTS)[number];

// Found by the regex engine, which scans natively: a JavaScript loop over every `<` of a page cost
// more than the rest of the soft-error check. `(?![A-Za-z0-9_])` is the `\b` after a name; `\s*>`
// cannot backtrack far, as each run of whitespace follows one closing name.
const BLOCK_OPENING = new RegExp(`<(${BLOCK_ELEMENTS.join('|')})(?![A-Za-z0-9_])`, 'gi');
const TITLE_OPENING = /<title/gi;
const TITLE_CLOSING = /<\/title>/gi;
const CLOSING_TAGS = Object.fromEntries(BLOCK_ELEMENTS.map((name) => [name, new RegExp(`<\\/${name}\\s*>`, 'gi')])) as Record<BlockElement, RegExp>;

/** The inside of the first `<title …>…</title>`: /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]. */
export function firstTitle(html: string): string | undefined {
  const open = firstMatchFrom(html, TITLE_OPENING, 0);
  if (open < 0) return undefined;
  const openEnd = html.indexOf('>', open + '<title'.length);
  if (openEnd < 0) return undefined;
  const close = firstMatchFrom(html, TITLE_CLOSING, openEnd + 1);
  return close < 0 ? undefined : html.slice(openEnd + 1, close);
}

/** Each script, style, noscript and template element becomes one space: /<(script|…)\b[\s\S]*?<\/\1\s*>/gi. */
export function withoutBlockElements(html: string): string {
  const parts: string[] = [];
  const unclosedFrom = new Map<string, number>();
  const opening = new RegExp(BLOCK_OPENING);
  let copied = 0;
  for (let found = opening.exec(html); found !== null; found = opening.exec(html)) {
    const name = found[1]!.toLowerCase();
    const end = closingTagEnd(html, name, opening.lastIndex, unclosedFrom);
    if (end < 0) {
      opening.lastIndex = found.index + 1;
      continue;
    }
    parts.push(html.slice(copied, found.index), ' ');
    copied = end;
    opening.lastIndex = end;
  }
  parts.push(html.slice(copied));
  return parts.join('');
}

/** Each comment becomes one space: html.replace(/<!--[\s\S]*?-->/g, ' '). */
export function withoutComments(html: string): string {
  return replaceSpans(html, '<!--', '-->');
}

/** Each tag becomes one space: html.replace(/<[^>]*>/g, ' '). */
export function withoutTags(html: string): string {
  return replaceSpans(html, '<', '>');
}

/** Every `open … close` span (the first close after each open) becomes one space. */
function replaceSpans(html: string, open: string, close: string): string {
  const parts: string[] = [];
  let copied = 0;
  for (let at = html.indexOf(open); at >= 0; at = html.indexOf(open, copied)) {
    const end = html.indexOf(close, at + open.length);
    if (end < 0) break; // no close after this open, so none after any later open either
    parts.push(html.slice(copied, at), ' ');
    copied = end + close.length;
  }
  parts.push(html.slice(copied));
  return parts.join('');
}

/**
 * Where the first `</name\s*>` at or after `from` ends, or -1. A search that found none is
 * remembered in `unclosedFrom`: no later search for that name can find one either.
 */
function closingTagEnd(html: string, name: string, from: number, unclosedFrom: Map<string, number>): number {
  const known = unclosedFrom.get(name);
  if (known !== undefined && known <= from) return -1;
  const closing = CLOSING_TAGS[name as BlockElement];
  closing.lastIndex = from;
  if (closing.test(html)) return closing.lastIndex;
  unclosedFrom.set(name, from);
  return -1;
}

/** Where the global regex `needle` first matches at or after `from`, or -1; `/i` without `u` folds only ASCII to ASCII, as the regexes replaced did. */
function firstMatchFrom(html: string, needle: RegExp, from: number): number {
  needle.lastIndex = from;
  const found = needle.exec(html);
  return found === null ? -1 : found.index;
}
