// Every string is made XML-safe before it reaches any output, so the three feeds and the two JSON
// files carry the same text. XML 1.0 §2.2 allows only #x9 | #xA | #xD | [#x20-#xD7FF] |
// [#xE000-#xFFFD] | [#x10000-#x10FFFF]; with the `u` flag a lone surrogate is one code point in
// D800–DFFF and so is matched too. DEL and the C1 controls are legal but "discouraged" there, and
// render as garbage in readers: stripped as well.
const NOT_PUBLISHABLE = /[^\t\n\r\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

export function publishableText(text: string): string {
  return text.replace(NOT_PUBLISHABLE, '');
}

/** Titles are one line in every reader: line breaks and tabs become spaces. */
export function oneLine(text: string): string {
  return publishableText(text).replace(/[\t\n\r]+/g, ' ');
}

/** The same value with every string in it made publishable; key order is kept (determinism). */
export function sanitizeDeep<T>(value: T): T {
  if (typeof value === 'string') return publishableText(value) as T;
  if (Array.isArray(value)) return value.map((v) => sanitizeDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[publishableText(key)] = sanitizeDeep(v);
    return out as T;
  }
  return value;
}
