import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE } from './json-bytes.js';

// RFC 8259 §4 leaves a repeated key's meaning to the reader: JSON.parse keeps the last value, the
// cheap look (glance.ts) the first, so `"currentStage":6060,"currentStage":9599` is one row to one
// reader and another row to the other. Such a row states nothing reliable and is refused.
//
// One pass over the raw bytes of a line that JSON.parse has already accepted. Only keys are decoded;
// a string value (the abstract in `scope` above all) is stepped over byte by byte, never decoded.

interface Frame {
  /** Keys seen so far in this object; null for an array. */
  keys: Set<string> | null;
  expectingKey: boolean;
}

/** The first key that appears twice in one object of `json` (valid JSON), or null. */
export function firstDuplicateKey(json: Buffer): string | null {
  const stack: Frame[] = [];
  let i = 0;
  while (i < json.length) {
    const byte = json[i]!;
    const top = stack[stack.length - 1];
    if (byte === QUOTE) {
      const end = endOfString(json, i);
      if (top?.keys != null && top.expectingKey) {
        const key = decodeKey(json.subarray(i, end + 1));
        if (top.keys.has(key)) return key;
        top.keys.add(key);
        top.expectingKey = false;
      }
      i = end + 1;
      continue;
    }
    if (byte === OPEN_OBJECT) stack.push({ keys: new Set(), expectingKey: true });
    else if (byte === OPEN_ARRAY) stack.push({ keys: null, expectingKey: false });
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) stack.pop();
    else if (byte === COMMA && top?.keys != null) top.expectingKey = true;
    i += 1;
  }
  return null;
}

/** Index of the quote that closes the string opening at `start`. */
function endOfString(json: Buffer, start: number): number {
  let i = start + 1;
  while (i < json.length && json[i] !== QUOTE) i += json[i] === BACKSLASH ? 2 : 1;
  return i;
}

/** `"\u0063urrentStage"` is the key `currentStage`: keys compare as JSON.parse would read them. */
function decodeKey(quoted: Buffer): string {
  const raw = quoted.toString('utf8');
  return quoted.includes(BACKSLASH) ? (JSON.parse(raw) as string) : raw.slice(1, -1);
}
