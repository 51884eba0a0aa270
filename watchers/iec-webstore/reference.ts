// How IEC writes references, as far as the watcher needs to read them: `IEC 60050-102:2007` (dated),
// `IEC 60050-102:2007/AMD3:2021` (a supplement of it), `IEC 60050-102/AMD3` (a supplement in
// preparation: neither is dated yet), `IEC 61326-1:2020 RLV` (a variant: redline, consolidated …).

export type SupplementKind = 'AMD' | 'COR' | 'ISH';

export interface Supplement {
  /** The reference it amends, dated or not: `IEC 60050-102:2007`, `IEC 60050-102`. */
  base: string;
  kind: SupplementKind;
}

export function supplementOf(reference: string): Supplement | undefined {
  const match = reference.match(/^(.+?)\/(AMD|COR|ISH)\d+(?::\d{4})?$/);
  return match === null ? undefined : { base: match[1]!, kind: match[2] as SupplementKind };
}

/** `IEC 60050-395:2014` → `IEC 60050-395`: the same publication across its editions. */
export function undated(reference: string): string {
  return reference.replace(/:\d{4}(?:-\d{2})?/g, '');
}

/** The year of a dated reference, `IEC 60050-395:2014` → 2014. */
export function yearOf(reference: string): number | undefined {
  const year = reference.match(/:(\d{4})\b/)?.[1];
  return year === undefined ? undefined : Number(year);
}

/** IEC's edition numbers: "1.0" → 1, "2.1" → 2.1 (edition 2 with amendment 1 consolidated); "0.0" (old rows) → none. */
export function editionNumber(text: string | undefined): number | undefined {
  const match = text?.trim().match(/^(\d{1,2})(?:\.(\d{1,2}))?$/);
  if (match === null || match === undefined) return undefined;
  const edition = Number(`${match[1]}.${match[2] ?? '0'}`);
  return edition > 0 ? edition : undefined;
}

/** IEC prints editions with their decimal: 2 → "Edition 2.0". */
export function editionWords(edition: number): string {
  return `Edition ${Number.isInteger(edition) ? edition.toFixed(1) : String(edition)}`;
}
