// How text read off an iso.org page is normalised before it becomes a record field.

/** Collapses every run of whitespace (including no-break spaces) to one space and trims. */
export function collapseWhitespace(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

/** A label as a lookup key: "État actuel&nbsp;:" → "etat actuel". */
export function foldLabel(text: string): string {
  return collapseWhitespace(text.replace(/[’‘]/g, "'").normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/:/g, ' ')).toLowerCase();
}

/** "ISO/IEC 2382:2015 [ISO/IEC 2382:2015]" → "ISO/IEC 2382:2015": bracketed notes are not part of a reference. */
export function withoutBracketNotes(text: string): string {
  return collapseWhitespace(text.replace(/\[[^\]]*\]/g, ' '));
}

/**
 * Title parts joined the same way in every era: E1/E2 pages write "Geographic information -- Metadata",
 * later ones "Geographic information — Metadata" or one heading per part (E6).
 */
export function joinTitleParts(parts: readonly string[]): string {
  return parts
    .flatMap((part) => part.split(/\s+(?:--|—)\s+/))
    .map(collapseWhitespace)
    .filter((part) => part !== '')
    .join(' — ');
}
