// The cheap look at a raw dump line: enough to decide whether the row is in scope without parsing
// it. Safe on raw JSON because a quote inside a string value is always escaped (RFC 8259 §7), so
// `"ownerCommittee":` can only match a real key, never text quoted in an abstract. The abstract
// (`scope`, the last and largest field) is not even decoded.

export interface Glance {
  /** Null when not a number: such a row can only come into scope by its committee, and then fails. */
  id: number | null;
  committee: string | null;
  /** Ids named in `replaces`. */
  replaces: readonly number[];
  /** The reference, read only for supplements (amendments, corrigenda): they may join a family. */
  supplementReference: string | null;
}

// A row needs these keys; their values are judged only for rows in scope (rowToRecord), so one odd
// row elsewhere in the catalogue cannot fail the whole source.
const KEYS = [/"id"\s*:/, /"reference"\s*:/, /"currentStage"\s*:/];
// Before the abstract the real rows carry every key looked at; if a dump ever moves one behind it,
// the whole line is decoded rather than a committee missed.
const HEAD_KEYS = [...KEYS, /"ownerCommittee"\s*:/, /"supplementType"\s*:/, /"replaces"\s*:/];
const ID = /"id"\s*:\s*(\d+)\s*[,}]/;
const REFERENCE = /"reference"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const COMMITTEE = /"ownerCommittee"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const SUPPLEMENT = /"supplementType"\s*:\s*"/;
// Only the opening: /"replaces"\s*:\s*\[([^\]]*)\]/ rescans to the end of the line from every
// opening when no `]` follows, quadratic on a hostile line; the first `]` is found with indexOf.
const REPLACES_OPEN = /"replaces"\s*:\s*\[/;
const SCOPE_KEY = Buffer.from('"scope":');

/** Facts of one trimmed line, or why it is not a catalogue row. */
export function glance(line: Buffer): Glance | string {
  if (line[0] !== 0x7b || line[line.length - 1] !== 0x7d) return 'is not a JSON object (cut short?)';
  const cut = line.indexOf(SCOPE_KEY);
  const facts = cut === -1 ? null : readFacts(line.toString('utf8', 0, cut), HEAD_KEYS);
  return facts ?? readFacts(line.toString('utf8'), KEYS) ?? 'has no id, reference or currentStage';
}

function readFacts(text: string, required: readonly RegExp[]): Glance | null {
  if (!required.every((key) => key.test(text))) return null;
  const id = ID.exec(text);
  // Only a supplement's reference is read (most rows are not one): one scan fewer per row.
  const reference = SUPPLEMENT.test(text) ? REFERENCE.exec(text) : null;
  const committee = COMMITTEE.exec(text);
  const replaces = replacesList(text);
  return {
    id: id === null ? null : Number(id[1]),
    committee: committee === null ? null : unescape(committee[1]!),
    replaces: replaces === null ? [] : idsIn(replaces),
    supplementReference: reference === null ? null : unescape(reference[1]!),
  };
}

/** The ids of a `replaces` list's text: split at commas, read by Number(), positive whole numbers kept. */
export function idsIn(list: string): number[] {
  return list
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** The text between `"replaces": [` and the first `]` after it, or null (as the regex it replaces). */
function replacesList(text: string): string | null {
  const open = REPLACES_OPEN.exec(text);
  if (open === null) return null;
  const start = open.index + open[0].length;
  const end = text.indexOf(']', start);
  return end === -1 ? null : text.slice(start, end);
}

/** A JSON string's raw text as its value; the raw text itself when it does not decode. */
export function unescape(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
