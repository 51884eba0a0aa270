// How text read off an iso.org page is normalised before it becomes a record field.

/** Collapses every run of whitespace (including no-break spaces) to one space and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

/** A label as a lookup key: "État actuel&nbsp;:" → "etat actuel". */
export function foldLabel(text: string): string {
  return collapseWhitespace(
    text
      .replace(/[’‘]/g, "'")
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/:/g, ' '),
  ).toLowerCase();
}

/** "ISO/IEC 2382:2015 [ISO/IEC 2382:2015]" → "ISO/IEC 2382:2015": bracketed notes are not part of a reference. */
export function withoutBracketNotes(text: string): string {
  // By hand, not /\[[^\]]*\]/g: that regex rescans to the end from every unclosed "[" (quadratic).
  let out = '';
  let from = 0;
  for (;;) {
    const open = text.indexOf('[', from);
    const close = open < 0 ? -1 : text.indexOf(']', open + 1);
    if (close < 0) break;
    out += `${text.slice(from, open)} `;
    from = close + 1;
  }
  return collapseWhitespace(out + text.slice(from));
}

/**
 * The first candidate, in order, that passes `accept`; each is read only when the ones before it
 * failed, so a page pays for the queries of the era it belongs to and no more.
 */
export function firstAccepted<T>(candidates: ReadonlyArray<() => readonly T[]>, accept: (value: T) => boolean): T | undefined {
  for (const candidate of candidates) {
    const found = candidate().find(accept);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Title parts joined the same way in every era: E1/E2 pages write "Geographic information -- Metadata",
 * later ones "Geographic information — Metadata" or one heading per part (E6).
 */
export function joinTitleParts(parts: readonly string[]): string {
  // Whitespace is collapsed before splitting: /\s+(?:--|—)\s+/ on a long run of spaces is quadratic.
  return parts
    .flatMap((part) => collapseWhitespace(part).split(/ (?:--|—) /))
    .map(collapseWhitespace)
    .filter((part) => part !== '')
    .join(' — ');
}
