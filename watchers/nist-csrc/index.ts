import * as z from 'zod';
import type { DocumentRecord } from '../../src/model/record.js';
import type { Licence } from '../../src/model/licence.js';
import type { ExtractContext, ExtractOutcome, FileKind } from '../kind.js';
import { buildDocument } from './document.js';
import { keyOfIdentifier, parseIdentifier } from './identifier.js';
import { glance, isGhost, readRow, type Row } from './row.js';
import { NIST_RULES, unlistedRecord } from './rules.js';
import { readZipEntry } from './zip.js';

// NIST's CSRC publication catalogue: https://csrc.nist.gov/CSRC/media/feeds/metanorma/pubs-export.zip,
// a zip holding one pubs-export.json (SP, FIPS and CSWP; ~900 records, one per version of a
// publication). The fetch layer spools the zip; this kind unzips the one file with caps (zip.ts),
// checks that the export is whole, and turns the versions of each followed publication into one
// record per publication (document.ts), keyed `nist:SP.800-53r5` (identifier.ts).
//
// What the recordings taught (../shared/fixtures/nist/README.md): the 2023 URL migration, the
// ` (DRAFT)` suffix, CSRC's `-(n)` ghost duplicates and churning DOIs never reach a record; a
// partial export (37 records on 2023-08-19) is `unreadable`, never 700 withdrawals; a zip rebuilt
// around the same JSON gives the same records.

export const NIST_LICENCE: Licence = {
  tag: 'public-domain',
  rights: 'U.S. Government work, not subject to copyright in the U.S.',
  attribution: 'Source: NIST',
};

/** Whole series a source may follow, in NIST's own words (the identifier's prefix). */
export const CSRC_SERIES = ['SP', 'SP 800', 'SP 1800', 'SP 500', 'FIPS', 'CSWP'] as const;
const SERIES_PREFIX: Record<(typeof CSRC_SERIES)[number], string> = {
  SP: 'nist:SP.',
  'SP 800': 'nist:SP.800-',
  'SP 1800': 'nist:SP.1800-',
  'SP 500': 'nist:SP.500-',
  FIPS: 'nist:FIPS.',
  CSWP: 'nist:CSWP.',
};

export const nistIdentifierSchema = z
  .string()
  .max(120)
  .refine((s) => keyOfIdentifier(s) !== null, { message: 'must be a NIST publication identifier like "SP 800-53 Rev. 5", "FIPS 203" or "CSWP 29"' });

export const csrcOptionsSchema = z
  .object({
    /** Publications to follow, by identifier: `SP 800-218A`, `FIPS 203`, `SP 800-53 Rev. 5`, `CSWP 29`. */
    documents: z.array(nistIdentifierSchema).max(500).optional(),
    /** Whole series to follow: every publication whose identifier starts so. */
    series: z.array(z.enum(CSRC_SERIES)).max(CSRC_SERIES.length).optional(),
  })
  .strict()
  .refine((o) => (o.documents?.length ?? 0) + (o.series?.length ?? 0) > 0, { message: 'name at least one of documents or series' });
export type CsrcOptions = z.infer<typeof csrcOptionsSchema>;

/** A zip of a 1.7 MB JSON is ~120 kB. */
const MAX_ZIP_BYTES = 10_000_000;
/** The JSON is 0.8–1.7 MB; anything near this cap is not the catalogue. */
const MAX_JSON_BYTES = 50_000_000;
/** The real exports deflate about 13:1; a bomb runs to hundreds or a thousand to one. */
const MAX_RATIO = 100;
/** Every full export recorded since 2019 had 522 records or more; the partial one had 37. */
export const MIN_CATALOGUE_RECORDS = 300;

export const nistCsrc: FileKind<CsrcOptions> = {
  id: 'nist-csrc',
  version: '1',
  publisher: 'NIST',
  licence: NIST_LICENCE,
  maxResponseBytes: MAX_ZIP_BYTES,
  options: csrcOptionsSchema,
  input: 'file',
  reports: 'catalogue',
  documentUrl: (key) => csrcDocumentUrl(key),
  watches: ({ options }) => ({ keys: followedKeys(options), groups: [...(options.series ?? [])] }),
  placeholder: unlistedRecord,
  inGroup: (record, group) => record.key.startsWith(SERIES_PREFIX[group as (typeof CSRC_SERIES)[number]] ?? '\u0000'),
  // NIST's own rows read every life-cycle fact (a re-dated final included); the rest (titles made
  // more precise, relabelled drafts, moved URLs) is CSRC's housekeeping, kept quiet.
  rules: NIST_RULES,
  unclassifiedChanges: 'quiet',
  extract: extractCsrc,
};

export function followedKeys(options: CsrcOptions): string[] {
  return [...new Set((options.documents ?? []).map((d) => keyOfIdentifier(d)!))];
}

export async function extractCsrc(path: string, context: ExtractContext<CsrcOptions>): Promise<ExtractOutcome> {
  const entry = await readZipEntry(path, 'pubs-export.json', { maxBytes: MAX_JSON_BYTES, maxRatio: MAX_RATIO });
  if (entry.kind !== 'entry') return { kind: entry.kind, reason: `nist-csrc: ${entry.reason}` };
  return readCatalogue(entry.bytes, context);
}

/** pubs-export.json → records of the followed publications. */
export function readCatalogue(json: Buffer, context: ExtractContext<CsrcOptions>): ExtractOutcome {
  let list: unknown;
  try {
    list = JSON.parse(json.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    return failed('pubs-export.json is not valid JSON');
  }
  if (!Array.isArray(list)) return failed('pubs-export.json is not a list of records');

  const followed = new Set(followedKeys(context.options));
  const prefixes = (context.options.series ?? []).map((s) => SERIES_PREFIX[s]);
  const inScope = (key: string) => followed.has(key) || prefixes.some((p) => key.startsWith(p));

  const keys = new Map<string, string | null>();
  const present = new Set<string>();
  const perSeries = new Map<string, number>();
  const rows = new Map<string, Row[]>();
  let records = 0;
  for (const raw of list) {
    const seen = glance(raw);
    if (seen === null) continue; // an odd element outside any document: not the whole catalogue's failure
    records += 1;
    const key = rowKey(seen.identifier, seen.uri, keys);
    if (key === null) continue;
    present.add(key);
    const series = key.slice(5, key.indexOf('.'));
    perSeries.set(series, (perSeries.get(series) ?? 0) + 1);
    if (!inScope(key) || isGhost(seen.uri)) continue;
    const row = readRow(raw);
    if (typeof row === 'string') return failed(`${seen.uri}: ${row}`);
    const part = partOf(seen.uri);
    if (part !== null && keyOfIdentifier(row.identifier) !== key) row.identifier = `${row.identifier}${partWords(part)}`;
    rows.set(key, [...(rows.get(key) ?? []), row]);
  }

  if (records < MIN_CATALOGUE_RECORDS) {
    const counts = [...perSeries].map(([s, n]) => `${s} ${n}`).join(', ') || 'none readable';
    return unreadable(`partial export: ${records} records (${counts}) where a full export has over ${MIN_CATALOGUE_RECORDS}; not compared`);
  }
  const known = [...context.knownKeys].filter((k) => k.startsWith('nist:'));
  const missing = known.filter((k) => !present.has(k));
  if (missing.length >= 2 && missing.length * 2 >= known.length) {
    const named = missing.slice(0, 3).join(', ') + (missing.length > 3 ? ', …' : '');
    return unreadable(`partial export: ${missing.length} of the ${known.length} publications this source reported before are missing (${named}); not compared`);
  }

  const out: DocumentRecord[] = [];
  for (const [key, versions] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
    const record = buildDocument(key, versions);
    if (typeof record === 'string') return failed(record);
    out.push(record);
  }
  return { kind: 'records', records: out };
}

/**
 * The publication a row is a version of. A supplement or a part (`…/sp/800/63/b/sup/final`,
 * `…/sp/800/73/pt2/5/final`) carries its parent's identifier in the export but is a publication of
 * its own: `nist:SP.800-63Bsup`, `nist:SP.800-73-5pt2`.
 */
function rowKey(identifier: string, uri: string, memo: Map<string, string | null>): string | null {
  let key = memo.get(identifier);
  if (key === undefined) {
    key = keyOfIdentifier(identifier);
    memo.set(identifier, key);
  }
  const part = partOf(uri);
  return key !== null && part !== null && !key.includes(part) ? `${key}${part}` : key;
}

/** `sup`, `pt2`: a URL segment naming a supplement or a part. */
function partOf(uri: string): string | null {
  return /\/(sup\d*|pt\d+)\//.exec(uri)?.[1] ?? null;
}

function partWords(part: string): string {
  return part.startsWith('sup') ? ' Suppl.' : ` Part ${part.slice(2)}`;
}

/**
 * The CSRC page of a publication, built from its key: `https://csrc.nist.gov/pubs/sp/800/218/a/final`.
 * Only the key is given, so it is the final's page (CSRC links a withdrawn final to the versions
 * after it); white papers' pages carry a title slug no key can give, so theirs is the DOI.
 */
export function csrcDocumentUrl(key: string): string {
  const id = parseIdentifier(key);
  if (id === null) return 'https://csrc.nist.gov/publications';
  if (id.series === 'FIPS') return `https://csrc.nist.gov/pubs/fips/${[id.number.toLowerCase(), ...qualifierPath(id.qualifiers)].join('/')}/final`;
  if (id.series === 'SP') {
    const n = /^(\d+)-(\d+)([A-Z]?)(?:-(\d+))?$/.exec(id.number);
    if (n) {
      // CSRC puts a part before the number's last element: …/sp/800/73/pt2/5/final
      const parts = qualifierPath(id.qualifiers).filter((q) => q.startsWith('pt'));
      const rest = qualifierPath(id.qualifiers).filter((q) => !q.startsWith('pt'));
      const path = [n[1], n[2], n[3]?.toLowerCase(), ...parts, n[4], ...rest].filter((p) => p !== undefined && p !== '');
      return `https://csrc.nist.gov/pubs/sp/${path.join('/')}/final`;
    }
  }
  return `https://doi.org/10.6028/NIST.${key.slice('nist:'.length)}`;
}

function qualifierPath(qualifiers: string): string[] {
  return qualifiers.match(/pt\d+|v\d+|ver[\d.]+|r[0-9A-Za-z]*|e\d+|sup\d*|add\d*/g) ?? [];
}

function failed(reason: string): ExtractOutcome {
  return { kind: 'extraction-failed', reason: `nist-csrc: ${reason}` };
}

function unreadable(reason: string): ExtractOutcome {
  return { kind: 'unreadable', reason: `nist-csrc: ${reason}` };
}
