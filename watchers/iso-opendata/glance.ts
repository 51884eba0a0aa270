// The cheap look at a raw dump line: enough to decide whether the row is in scope without parsing
// it. Safe on raw JSON because a quote inside a string value is always escaped (RFC 8259 §7), so
// `"ownerCommittee":` can only match a real key, never text quoted in an abstract. The abstract
// (`scope`, the last and largest field) is not even decoded.

export interface Glance {
  id: number;
  committee: string | null;
  /** Ids named in `replaces`. */
  replaces: number[];
  /** The reference, read only for supplements (amendments, corrigenda): they may join a family. */
  supplementReference: string | null;
}

const ID = /"id"\s*:\s*(\d+)\s*[,}]/;
const STAGE = /"currentStage"\s*:/;
const REFERENCE = /"reference"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const COMMITTEE = /"ownerCommittee"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const SUPPLEMENT = /"supplementType"\s*:\s*"/;
const REPLACES = /"replaces"\s*:\s*\[([^\]]*)\]/;
const SCOPE_KEY = Buffer.from('"scope":');

/** Facts of one trimmed line, or why it is not a catalogue row. */
export function glance(line: Buffer): Glance | string {
  if (line[0] !== 0x7b || line[line.length - 1] !== 0x7d) return 'is not a JSON object (cut short?)';
  const cut = line.indexOf(SCOPE_KEY);
  const facts = cut === -1 ? null : readFacts(line.toString('utf8', 0, cut));
  // Keys after `scope` would be missed by the cut: read the whole line then.
  return facts ?? readFacts(line.toString('utf8')) ?? 'has no id, reference or currentStage';
}

function readFacts(text: string): Glance | null {
  const id = ID.exec(text);
  const reference = REFERENCE.exec(text);
  if (id === null || reference === null || !STAGE.test(text)) return null;
  const committee = COMMITTEE.exec(text);
  const replaces = REPLACES.exec(text);
  return {
    id: Number(id[1]),
    committee: committee === null ? null : unescape(committee[1]!),
    replaces: replaces === null ? [] : replaces[1]!.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0),
    supplementReference: SUPPLEMENT.test(text) ? unescape(reference[1]!) : null,
  };
}

function unescape(raw: string): string {
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
