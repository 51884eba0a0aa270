// NIST publication identifiers → document keys. A key is `nist:` + NIST's machine-readable form of
// the identifier, the suffix of its DOIs (10.6028/NIST.SP.800-53r5) per NIST's "Publication
// Identifier Syntax for NIST Technical Series Publications":
//
//   SP 800-53 Rev. 5           → nist:SP.800-53r5        Rev./Revision N → rN
//   SP 800-55 Vol. 1           → nist:SP.800-55v1        Vol./Volume N   → vN
//   SP 800-57 Part 1 Rev. 5    → nist:SP.800-57pt1r5     Part/Pt. N      → ptN
//   SP 800-28 Version 2        → nist:SP.800-28ver2      Ver./Version N  → verN (trailing .0 dropped)
//   SP 800-21 E2, AI 100-2e2023→ nist:SP.800-21e2, nist:AI.100-2e2023   edition → eN
//   SP 800-63B (supplement)    → nist:SP.800-63Bsup      Suppl.          → sup
//   SP 800-63-4, FIPS 140-3    → nist:SP.800-63-4, nist:FIPS.140-3 (the number is kept whole)
//   SP 800-218A, CSWP 29       → nist:SP.800-218A, nist:CSWP.29
//   SP 800-73-5, CSRC's part 2 → nist:SP.800-73-5pt2 (qualifiers always follow the whole number;
//                                NIST's DOI writes NIST.SP.800-73pt2-5)
//
// What is NOT part of the key, because it names a version of the same publication: a draft marker
// (` (DRAFT)`, ` (Draft)`, ` (Retired Draft)`, `ipd`, `2pd`, `fpd`), an update (`upd1`, `Update 1`).
// The key is built from the identifier, never from the CSRC URL (changed in 2023) or the DOI (null
// for a quarter of the records and rewritten between exports). Case is normalised: series and the
// number's letter upper case (SP 800-218A), the qualifiers lower case, so `sp 800-218a` and
// `NIST SP 800-218A` are the same document. An identifier this grammar cannot read has no key.

export interface NistIdentifier {
  /** `SP`, `FIPS`, `CSWP`, `IR`, `AI`, … */
  series: string;
  /** `800-53`, `800-218A`, `140-3`, `29`. */
  number: string;
  /** The machine-readable qualifiers after the number: `r5`, `v2r1`, `pt1r5`, `e2023`, `sup`. */
  qualifiers: string;
  /** An update named in the identifier itself (`CSWP 39upd1`): a version, not part of the key. */
  update?: number;
  /** A stage named in the identifier (`NIST AI 100-2e2023 ipd`): a version, not part of the key. */
  stage?: string;
}

const SERIES_ALIASES: Record<string, string> = { NISTIR: 'IR', 'FIPS PUB': 'FIPS' };
const STAGES = /^(ipd|fpd|\d+pd|pred|iwd|wd)$/i;
const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5 };

/**
 * Removes what is not the identifier: a draft marker, a `White Paper` or `NIST` prefix, an `error:`
 * prefix, a doubled `NIST AI NIST AI` (NIST-Tech-Pubs data errors), surrounding and inner runs of
 * space. The result is the reference shown to people (`SP 800-53 Rev. 5`).
 */
export function cleanIdentifier(text: string): string {
  let s = text.replace(/[\s\u00a0]+/g, ' ').trim();
  s = s.replace(/^error:\s*/i, '');
  s = s.replace(/\s*\((?:retired\s+)?draft\)$/i, '');
  s = s.replace(/^White Paper\b\s*/i, '');
  // `NIST AI NIST AI 100-2e2023 ipd` → `NIST AI 100-2e2023 ipd`
  for (let previous = ''; previous !== s;) {
    previous = s;
    s = s.replace(/^(NIST [A-Z]+) \1\b/i, '$1');
  }
  return s.trim();
}

/** Reads an identifier in NIST's words (`SP 800-53 Rev. 5`) or machine-readable form (`NIST.SP.800-53r5`). */
export function parseIdentifier(text: string): NistIdentifier | null {
  const s = cleanIdentifier(text).replace(/^nist:/i, '');
  // NIST.AI.100-2e2023.ipd, SP.800-53r5: a trailing `.ipd` names the stage
  const machine = /^(?:NIST\.)?([A-Za-z]+)\.(\d[^\s]*?)(?:\.(ipd|fpd|\d+pd))?$/i.exec(s);
  if (machine) return parseNumberAndQualifiers(machine[1]!, machine[3] === undefined ? machine[2]! : `${machine[2]} ${machine[3]}`);
  const words = /^(?:NIST\s+)?(FIPS PUB|[A-Za-z]+)\s+(\d.*)$/.exec(s);
  if (!words) return null;
  return parseNumberAndQualifiers(words[1]!, words[2]!);
}

function parseNumberAndQualifiers(rawSeries: string, rest: string): NistIdentifier | null {
  const series = SERIES_ALIASES[rawSeries.toUpperCase()] ?? rawSeries.toUpperCase();
  // 800-53 · 800-218A · 800-63A-4 · 140-3 · 11A · 800-125Ar1; a lower-case letter directly
  // followed by a digit or letter is a qualifier (100-2e2023), not part of the number.
  const number = /^(\d+(?:-\d+)?)(?:([A-Z](?![0-9])|[a-z](?![A-Za-z0-9])))?((?:-\d+)?)/.exec(rest);
  if (!number) return null;
  const id: NistIdentifier = { series, number: `${number[1]}${(number[2] ?? '').toUpperCase()}${number[3]}`, qualifiers: '' };
  let tail = rest.slice(number[0].length);
  const qualifiers: string[] = [];
  while (tail.length > 0) {
    tail = tail.replace(/^[\s,]+/, '');
    if (tail.length === 0) break;
    const step = readQualifier(tail);
    if (step === null) return null;
    if (step.update !== undefined) id.update = step.update;
    else if (step.stage !== undefined) id.stage = step.stage;
    else qualifiers.push(step.mr!);
    tail = tail.slice(step.length);
  }
  id.qualifiers = qualifiers.join('');
  return id;
}

interface Qualifier {
  length: number;
  mr?: string;
  update?: number;
  stage?: string;
}

const QUALIFIERS: Array<[RegExp, (m: RegExpExecArray) => Omit<Qualifier, 'length'>]> = [
  [/^(?:Rev\.?|Revision)\s*\(?(\d+[a-z]?|[A-Z])?\)?(?![a-z])/i, (m) => ({ mr: `r${revision(m[1])}` })],
  [/^Revised\b/i, () => ({ mr: 'r' })],
  [/^r(\d+[a-z]?)(?![a-z])/, (m) => ({ mr: `r${m[1]}` })],
  [/^(?:Vol\.?|Volume)\s*(\d+)/i, (m) => ({ mr: `v${m[1]}` })],
  [/^v(\d+)(?![.\d])/, (m) => ({ mr: `v${m[1]}` })],
  [/^(?:Part|Pt\.?)\s*(\d+)/i, (m) => ({ mr: `pt${m[1]}` })],
  [/^pt(\d+)/, (m) => ({ mr: `pt${m[1]}` })],
  [/^(?:Ver\.?|Version)\s*(\d+(?:\.\d+)*)/i, (m) => ({ mr: `ver${trimZeros(m[1]!)}` })],
  [/^ver(\d+(?:\.\d+)*)/, (m) => ({ mr: `ver${trimZeros(m[1]!)}` })],
  [/^v(\d+(?:\.\d+)+)/, (m) => ({ mr: `ver${trimZeros(m[1]!)}` })],
  [/^(?:E|Ed\.?\s*|Edition\s+)(\d+)\b/i, (m) => ({ mr: `e${m[1]}` })],
  [/^e(\d+)/, (m) => ({ mr: `e${m[1]}` })],
  [/^\(?(?:[A-Z][a-z]+\s+)?(\d{4})\s+edition\)?/i, (m) => ({ mr: `e${m[1]}` })],
  [/^(first|second|third|fourth|fifth)\s+edition\b/i, (m) => ({ mr: `e${ORDINALS[m[1]!.toLowerCase()]}` })],
  [/^(?:Supplement|Suppl\.?|sup)\s*(\d*)/i, (m) => ({ mr: `sup${m[1]}` })],
  [/^(?:Addendum|Add\.?|add)\s*(\d*)/i, (m) => ({ mr: `add${m[1]}` })],
  [/^-?(?:upd|Upd\.?|Update)\s*(\d+)/i, (m) => ({ update: Number(m[1]) })],
  [/^(ipd|fpd|\d+pd|pred|iwd|wd)\b/i, (m) => ({ stage: m[1]!.toLowerCase() })],
];

function readQualifier(tail: string): Qualifier | null {
  for (const [pattern, make] of QUALIFIERS) {
    const m = pattern.exec(tail);
    if (m && m[0].length > 0) return { length: m[0].length, ...make(m) };
  }
  return null;
}

/** `5` → 5, `A` → A, `1a` → 1a; CSRC's `Revision (r)` (SP 800-27, DOI …800-27rA) names no number. */
function revision(raw: string | undefined): string {
  if (raw === undefined || /^r$/i.test(raw)) return '';
  return /^[a-z]$/i.test(raw) ? raw.toUpperCase() : raw.toLowerCase();
}

function trimZeros(version: string): string {
  return version.replace(/(?:\.0)+$/, '');
}

/** `nist:SP.800-53r5`. */
export function keyOf(id: NistIdentifier): string {
  return `nist:${id.series}.${id.number}${id.qualifiers}`;
}

/**
 * An identifier in NIST's current words, rebuilt from its parts: `SP 800-53 Rev. 5`, `IR 7298`
 * (once `NISTIR 7298`), `SP 800-21 E2` (once `Second edition`). Used for related publications, so a
 * rewording by CSRC is not a change of the relation.
 */
export function formatIdentifier(id: NistIdentifier): string {
  const words = (id.qualifiers.match(/pt\d+|v\d+|ver[\d.]+|r[0-9A-Za-z]*|e\d+|sup\d*|add\d*/g) ?? []).map((q) => {
    const [, kind, n] = /^(pt|ver|v|r|e|sup|add)(.*)$/.exec(q)!;
    if (kind === 'pt') return ` Part ${n}`;
    if (kind === 'v') return ` Vol. ${n}`;
    if (kind === 'ver') return ` Ver. ${n}`;
    if (kind === 'r') return n === '' ? ' Revised' : ` Rev. ${n}`;
    if (kind === 'e') return n!.length === 4 ? `e${n}` : ` E${n}`;
    if (kind === 'sup') return ` Suppl.${n === '' ? '' : ` ${n}`}`;
    return ` Add.${n === '' ? '' : ` ${n}`}`;
  });
  return `${id.series} ${id.number}${words.join('')}`;
}

/** The key of an identifier in NIST's words or machine-readable form; null when it cannot be read. */
export function keyOfIdentifier(text: string): string | null {
  const id = parseIdentifier(text);
  return id === null ? null : keyOf(id);
}

export function isStage(word: string): boolean {
  return STAGES.test(word);
}
