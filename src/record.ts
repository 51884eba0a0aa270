import { z } from 'zod';

// A Record is what a watcher extracts for one document: catalogue metadata only.
// The schema is strict (no unknown keys) and bounds every string, so there is no field that could
// carry an abstract, a table of contents or any other paywalled text (spec/licences.md).

export const STATUSES = ['published', 'under-development', 'withdrawn', 'deleted'] as const;
export const statusSchema = z.enum(STATUSES);
export type Status = z.infer<typeof statusSchema>;

export const RELATION_KINDS = ['replaces', 'replaced-by', 'amendment', 'corrigendum'] as const;
export const relationKindSchema = z.enum(RELATION_KINDS);
export type RelationKind = z.infer<typeof relationKindSchema>;

/** `iso:81230`: the publisher's numeric id, stable from draft to withdrawal (the reference is not). */
export const documentKeySchema = z.string().regex(/^(iso|iec):\d{1,9}$/, 'must look like iso:<digits> or iec:<digits>');
/** Harmonized ISO/IEC stage code, two digits, a dot, two digits. Validity is checked by stages.ts. */
export const stageCodeSchema = z.string().regex(/^\d{2}\.\d{2}$/, 'must be a stage code like 60.60');

// C0 and C1 control characters and DEL (as src/model/record.ts): an ESC sequence in a reference must
// never reach a terminal, none of them is legal in XML 1.0 feeds, and a page or row that carries one
// is extraction-failed, never a change (issue 8).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const shortText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => s === s.trim() && !CONTROL.test(s), { message: 'must be a single trimmed line without control characters' });

export const referenceSchema = shortText(120);
export const titleSchema = shortText(400);

export const relationSchema = z
  .object({
    kind: relationKindSchema,
    key: documentKeySchema.optional(),
    reference: referenceSchema,
    status: statusSchema.optional(),
  })
  .strict();
export type Relation = z.infer<typeof relationSchema>;

export const recordSchema = z
  .object({
    key: documentKeySchema,
    reference: referenceSchema,
    title: titleSchema.optional(),
    status: statusSchema,
    stage: stageCodeSchema,
    /** Date of the latest stage change, YYYY-MM-DD (iso.org: meta[name=pubdate]). */
    stageDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    /** As the source shows it: YYYY-MM on iso.org pages, YYYY-MM-DD in ISO Open Data. May be a forecast. */
    publicationDate: z.string().regex(/^\d{4}-\d{2}(-\d{2})?$/).optional(),
    edition: z.number().int().positive().max(99).optional(),
    pages: z.number().int().positive().max(100_000).optional(),
    committee: shortText(80).optional(),
    ics: z.array(z.string().regex(/^\d{2}(\.\d{3}(\.\d{2})?)?$/)).max(40).optional(),
    languages: z.array(z.string().regex(/^[a-z]{2}$/)).max(20).optional(),
    relations: z.array(relationSchema).max(200).optional(),
  })
  .strict();
export type DocumentRecord = z.infer<typeof recordSchema>;

/**
 * Canonical form: the same facts always serialise to the same bytes, whatever order the page listed
 * them in (spec/severity.md rule 3: field order is not a change).
 */
export function canonicalRecord(record: DocumentRecord): DocumentRecord {
  const out: DocumentRecord = { key: record.key, reference: record.reference, status: record.status, stage: record.stage };
  if (record.title !== undefined) out.title = record.title;
  if (record.stageDate !== undefined) out.stageDate = record.stageDate;
  if (record.publicationDate !== undefined) out.publicationDate = record.publicationDate;
  if (record.edition !== undefined) out.edition = record.edition;
  if (record.pages !== undefined) out.pages = record.pages;
  if (record.committee !== undefined) out.committee = record.committee;
  if (record.ics !== undefined) out.ics = [...new Set(record.ics)].sort();
  if (record.languages !== undefined) out.languages = [...new Set(record.languages)].sort();
  if (record.relations !== undefined) {
    // A page that lists a related document twice says nothing more than once (severity rule 3).
    const unique = new Map(record.relations.map((r) => [`${r.kind}\u0000${r.key ?? r.reference}`, r]));
    out.relations = [...unique.values()]
      .map((r) => {
        const rel: Relation = { kind: r.kind, reference: r.reference };
        if (r.key !== undefined) rel.key = r.key;
        if (r.status !== undefined) rel.status = r.status;
        return rel;
      })
      .sort((a, b) => relationSortKey(a).localeCompare(relationSortKey(b)));
  }
  return out;
}

function relationSortKey(r: Relation): string {
  return `${r.kind}\u0000${r.key ?? ''}\u0000${r.reference}`;
}

/**
 * A source that could not resolve a related document this time (ISO Open Data names it by id only,
 * `reference: "iso:88464"`, when its row is missing from the day's dump) keeps what it knew of it:
 * a row missing for a day is not a change of the related document.
 */
export function keepKnownRelations(record: DocumentRecord, before: DocumentRecord | undefined): DocumentRecord {
  if (before?.relations === undefined || record.relations === undefined) return record;
  const known = new Map(before.relations.filter((r) => r.key !== undefined).map((r) => [`${r.kind}\u0000${r.key}`, r]));
  const relations = record.relations.map((r) => (r.key !== undefined && r.reference === r.key ? (known.get(`${r.kind}\u0000${r.key}`) ?? r) : r));
  return { ...record, relations };
}
