import { idsIn, unescape, type Glance } from './glance.js';
import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, COLON, COMMA, OPEN_ARRAY, OPEN_OBJECT, QUOTE } from './json-bytes.js';

// The cheap look of glance.ts, read in one pass over the row's bytes instead of a dozen regex runs
// over a decoded copy: the top-level keys are walked up to `"scope":`, the abstract (the rest of
// the line) is never touched, and only the committee (and a supplement's reference) is decoded.
// It answers only where its answer is glance()'s: on anything a regex could read otherwise (a key
// given twice, one of the keys inside a nested value, an escaped quote, a value of an odd shape,
// no `"scope":`) it answers null and glance() decides.

const enum Key {
  Other,
  Id,
  Reference,
  CurrentStage,
  OwnerCommittee,
  SupplementType,
  Replaces,
  Scope,
}

const KEY_NAMES: ReadonlyArray<readonly [string, Key]> = [
  ['id', Key.Id],
  ['reference', Key.Reference],
  ['currentStage', Key.CurrentStage],
  ['ownerCommittee', Key.OwnerCommittee],
  ['supplementType', Key.SupplementType],
  ['replaces', Key.Replaces],
  ['scope', Key.Scope],
];
/** The names by length, so that most keys and nested strings are told apart by their length alone. */
const NAMES_BY_LENGTH: Array<Array<{ name: Uint8Array; key: Key }> | undefined> = [];
for (const [name, key] of KEY_NAMES) (NAMES_BY_LENGTH[name.length] ??= []).push({ name: Buffer.from(name), key });

/** Shared by the rows that replace nothing (most): never written to. */
const NO_IDS: readonly number[] = [];
/** Every key of the head but scope must be present, as glance() requires before it trusts a head. */
const ALL_HEAD_KEYS =
  (1 << Key.Id) | (1 << Key.Reference) | (1 << Key.CurrentStage) | (1 << Key.OwnerCommittee) | (1 << Key.SupplementType) | (1 << Key.Replaces);

/** What a step returns when it meets what it does not read: the scan answers null, glance() decides. */
const GIVE_UP = -1;

/**
 * Glance facts of the line in `buffer[start, end)` (trimmed), or null when glance() must decide.
 * Whatever the buffer holds around the range, no byte outside it decides the answer.
 */
export function scanHead(buffer: Buffer, start: number, end: number): Glance | null {
  if (end - start < 2 || buffer[start] !== OPEN_OBJECT || buffer[end - 1] !== CLOSE_OBJECT) return null;
  let seen = 0;
  let id: number | null = null;
  let committee: string | null = null;
  let replaces: readonly number[] = NO_IDS;
  let isSupplement = false;
  let referenceStart = -1;
  let referenceEnd = -1;
  let at = skipSpace(buffer, start + 1, end);
  for (;;) {
    if (at >= end || buffer[at] !== QUOTE) return null;
    const keyEnd = stringEnd(buffer, at, end);
    if (keyEnd === GIVE_UP) return null;
    const key = keyOf(buffer, at + 1, keyEnd);
    if (key === Key.Scope) {
      // glance() cuts the head at the first `"scope":`; with a space before the colon it reads the whole line.
      if (buffer[keyEnd + 1] !== COLON) return null;
      break;
    }
    if (key !== Key.Other) {
      if ((seen & (1 << key)) !== 0) return null;
      seen |= 1 << key;
    }
    at = skipSpace(buffer, keyEnd + 1, end);
    if (at >= end || buffer[at] !== COLON) return null;
    const valueStart = skipSpace(buffer, at + 1, end);
    const valueEnd = valueEndAt(buffer, valueStart, end);
    if (valueEnd === GIVE_UP) return null;
    const isString = buffer[valueStart] === QUOTE;
    switch (key) {
      case Key.Id: {
        const digits = wholeNumber(buffer, valueStart, valueEnd);
        if (digits === GIVE_UP) return null;
        id = digits;
        break;
      }
      case Key.OwnerCommittee:
        if (isString) committee = unescape(buffer.toString('utf8', valueStart + 1, valueEnd - 1));
        break;
      case Key.SupplementType:
        isSupplement = isString;
        break;
      case Key.Reference:
        if (isString) [referenceStart, referenceEnd] = [valueStart + 1, valueEnd - 1];
        break;
      case Key.Replaces:
        // Balanced, so its first `]` is inside it, where glance() finds it too.
        if (buffer[valueStart] === OPEN_ARRAY) replaces = idList(buffer, valueStart + 1, buffer.indexOf(CLOSE_ARRAY, valueStart + 1));
        break;
      default:
        break;
    }
    at = skipSpace(buffer, valueEnd, end);
    if (at >= end || buffer[at] !== COMMA) return null;
    at = skipSpace(buffer, at + 1, end);
  }
  if (seen !== ALL_HEAD_KEYS) return null;
  const supplementReference = isSupplement && referenceStart !== -1 ? unescape(buffer.toString('utf8', referenceStart, referenceEnd)) : null;
  return { id, committee, replaces, supplementReference };
}

function skipSpace(buffer: Buffer, at: number, end: number): number {
  while (at < end) {
    const byte = buffer[at]!;
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) break;
    at += 1;
  }
  return at;
}

/** The index of the quote closing the string opened at `at`, or GIVE_UP (an escaped quote, no end). */
function stringEnd(buffer: Buffer, at: number, end: number): number {
  for (let i = at + 1; i < end; i++) {
    const byte = buffer[i];
    if (byte === QUOTE) return i;
    if (byte === BACKSLASH) {
      // `\"` could let a regex read a key inside a string (`"x\"id":`), and glance()'s `\\.` does
      // not step over a line terminator (CR, LF, U+2028, U+2029): glance() decides those.
      const next = buffer[i + 1];
      if (next === QUOTE || next === 0x0d || next === 0x0a) return GIVE_UP;
      if (next === 0xe2 && buffer[i + 2] === 0x80 && (buffer[i + 3] === 0xa8 || buffer[i + 3] === 0xa9)) return GIVE_UP;
      i += 1;
    }
  }
  return GIVE_UP;
}

// Compared in JS: a native call per key (Buffer.compare) costs more than the comparison.
function keyOf(buffer: Buffer, start: number, end: number): Key {
  const names = NAMES_BY_LENGTH[end - start];
  if (names === undefined) return Key.Other;
  for (let n = 0; n < names.length; n++) {
    const { name, key } = names[n]!;
    let i = 0;
    while (i < name.length && buffer[start + i] === name[i]) i += 1;
    if (i === name.length) return key;
  }
  return Key.Other;
}

/** One past the value starting at `at`: a string, a literal or number, or a nested value with none of the keys in it. */
function valueEndAt(buffer: Buffer, at: number, end: number): number {
  if (at >= end) return GIVE_UP;
  const first = buffer[at];
  if (first === QUOTE) {
    const close = stringEnd(buffer, at, end);
    return close === GIVE_UP ? GIVE_UP : close + 1;
  }
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) return nestedEnd(buffer, at, end);
  let i = at;
  while (i < end && isScalarByte(buffer[i]!)) i += 1;
  return i === at ? GIVE_UP : i;
}

/** Letters, digits, sign, point: the bytes of a number or of true/false/null (JSON.parse judges the rest). */
function isScalarByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x2d || byte === 0x2b || byte === 0x2e || byte === 0x45;
}

/** One past the object or array at `at`; GIVE_UP when unbalanced or a string in it names one of the keys. */
function nestedEnd(buffer: Buffer, at: number, end: number): number {
  // The open brackets as bits (1 = brace), innermost lowest: no array to allocate per value.
  let open = 0;
  let depth = 0;
  for (let i = at; i < end; i++) {
    const byte = buffer[i];
    if (byte === QUOTE) {
      const close = stringEnd(buffer, i, end);
      if (close === GIVE_UP || keyOf(buffer, i + 1, close) !== Key.Other) return GIVE_UP;
      // What may follow a string in JSON: otherwise a regex could pair its closing quote with the
      // next one (`["a"id":7,"]`) and read a key where the walk reads none.
      const next = skipSpace(buffer, close + 1, end);
      if (next >= end) return GIVE_UP;
      const after = buffer[next];
      if (after !== COLON && after !== COMMA && after !== CLOSE_ARRAY && after !== CLOSE_OBJECT) return GIVE_UP;
      i = close;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      if (depth === 30) return GIVE_UP;
      open = open * 2 + (byte === OPEN_OBJECT ? 1 : 0);
      depth += 1;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (open % 2 !== (byte === CLOSE_OBJECT ? 1 : 0)) return GIVE_UP;
      open = Math.floor(open / 2);
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return GIVE_UP;
}

/** The id as glance()'s `(\d+)` reads it: digits only, and few enough to be exact. */
function wholeNumber(buffer: Buffer, start: number, end: number): number {
  if (end === start || end - start > 15) return GIVE_UP;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = buffer[i]! - 0x30;
    if (digit < 0 || digit > 9) return GIVE_UP;
    value = value * 10 + digit;
  }
  return value;
}

/** As glance(): the text up to the first `]`, split at commas, positive whole numbers kept. */
function idList(buffer: Buffer, start: number, close: number): number[] {
  const ids: number[] = [];
  let value = 0;
  let digits = 0;
  for (let i = start; i <= close; i++) {
    const byte = i === close ? COMMA : buffer[i]!;
    if (byte >= 0x30 && byte <= 0x39 && digits < 15) {
      value = value * 10 + (byte - 0x30);
      digits += 1;
    } else if (byte === COMMA) {
      if (value > 0) ids.push(value);
      value = 0;
      digits = 0;
    } else {
      // Spaces, signs, exponents, long numbers: read as glance() reads them, through Number().
      return idsIn(buffer.toString('utf8', start, close));
    }
  }
  return ids;
}
