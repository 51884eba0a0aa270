// Linear-time stand-ins for the regular expressions soft-error.ts applied to whole bodies. Each of
// `<!--[\s\S]*?-->`, `<[^>]*>`, `<script\b[\s\S]*?<\/script\s*>` and `<title[^>]*>…<\/title>`
// restarts its scan at every opening that has no end, so a body of repeated `<!--` took quadratic
// time (300 KB: 36 s of CPU, the server frozen). Each function returns exactly what its regex did
// (test/fetch-html-scan.test.ts compares them on generated markup), in one pass: once an end is
// missing after some position, it is missing after every later one too, so the scan stops there.

const BLOCK_ELEMENTS = ['script', 'style', 'noscript', 'template'] as const;

/** The inside of the first `<title …>…</title>`: /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1]. */
export function firstTitle(html: string): string | undefined {
  const open = indexOfIgnoringCase(html, '<title', 0);
  if (open < 0) return undefined;
  const openEnd = html.indexOf('>', open + '<title'.length);
  if (openEnd < 0) return undefined;
  const close = indexOfIgnoringCase(html, '</title>', openEnd + 1);
  return close < 0 ? undefined : html.slice(openEnd + 1, close);
}

/** Each script, style, noscript and template element becomes one space: /<(script|…)\b[\s\S]*?<\/\1\s*>/gi. */
export function withoutBlockElements(html: string): string {
  const parts: string[] = [];
  const unclosedFrom = new Map<string, number>();
  let copied = 0;
  for (let at = html.indexOf('<'); at >= 0;) {
    const name = blockElementAt(html, at + 1);
    const end = name === undefined ? -1 : closingTagEnd(html, name, at + 1 + name.length, unclosedFrom);
    if (end < 0) {
      at = html.indexOf('<', at + 1);
      continue;
    }
    parts.push(html.slice(copied, at), ' ');
    copied = end;
    at = html.indexOf('<', end);
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

/** The block element named at `from` (just after a `<`) when a word boundary follows its name. */
function blockElementAt(html: string, from: number): string | undefined {
  return BLOCK_ELEMENTS.find((name) => startsWithIgnoringCase(html, name, from) && !isWordChar(html.charCodeAt(from + name.length)));
}

/**
 * Where the first `</name\s*>` at or after `from` ends, or -1. A search that found none is
 * remembered in `unclosedFrom`: no later search for that name can find one either.
 */
function closingTagEnd(html: string, name: string, from: number, unclosedFrom: Map<string, number>): number {
  const known = unclosedFrom.get(name);
  if (known !== undefined && known <= from) return -1;
  const closing = `</${name}`;
  for (let at = indexOfIgnoringCase(html, closing, from); at >= 0; at = indexOfIgnoringCase(html, closing, at + 1)) {
    let end = at + closing.length;
    while (end < html.length && WHITESPACE.test(html[end]!)) end++;
    if (html[end] === '>') return end + 1;
  }
  unclosedFrom.set(name, from);
  return -1;
}

/** ASCII case-insensitive indexOf: what /i does for these ASCII needles (non-unicode regexes fold only ASCII to ASCII). */
function indexOfIgnoringCase(html: string, needle: string, from: number): number {
  const first = needle.charCodeAt(0);
  for (let at = from; at <= html.length - needle.length; at++) {
    if (lowerAscii(html.charCodeAt(at)) === first && startsWithIgnoringCase(html, needle, at)) return at;
  }
  return -1;
}

function startsWithIgnoringCase(html: string, lowerNeedle: string, at: number): boolean {
  if (at + lowerNeedle.length > html.length) return false;
  for (let i = 0; i < lowerNeedle.length; i++) {
    if (lowerAscii(html.charCodeAt(at + i)) !== lowerNeedle.charCodeAt(i)) return false;
  }
  return true;
}

function lowerAscii(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

/** \w without the u flag: what \b looks at. NaN (past the end) is not a word character. */
function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

const WHITESPACE = /^\s$/;
