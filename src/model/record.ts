import * as z from 'zod';

// The publisher-neutral Record (issue 9): what any watcher extracts for one document, the same small
// shape for ISO, IEC, CEN-CENELEC and NIST. Catalogue metadata only: the schema is strict (no unknown
// keys) and bounds every string, so no field can carry an abstract, a scope or a description
// (spec/licences.md: the guard is structural, not a filter).
//
// A harmonized ISO/IEC stage code is optional: ISO has one on every record; IEC and CEN print none on
// their pages; NIST and the EU have none at all. Every record has a common `phase`, derived by its
// watcher from the code or from the publisher's own words (`stageLabel`), so the severity rules can
// work on phases where a publisher has no finer code.

export const STATUSES = ['published', 'under-development', 'withdrawn', 'deleted'] as const;
export const statusSchema = z.enum(STATUSES);
export type Status = z.infer<typeof statusSchema>;

/** The common life cycle every publisher maps onto. */
export const PHASES = [
  'proposal', // a new work item proposed, not yet accepted
  'drafting', // working and committee drafts (ISO 20–30, CEN "Under Draft")
  'enquiry', // a public draft out for comment or ballot (ISO DIS 40, IEC CDV, CEN enquiry, NIST public draft)
  'approval', // the final vote (ISO FDIS 50, CEN formal vote)
  'publishing', // approved, being published (ISO 60.00, IEC BPUB)
  'published', // in force
  'review', // a published document under systematic review or marked for revision (ISO 90)
  'withdrawing', // withdrawal proposed or balloted (ISO 95.20, 95.60)
  'withdrawn',
  'deleted', // a project abandoned before publication (ISO xx.98, a retired NIST draft)
] as const;
export const phaseSchema = z.enum(PHASES);
export type Phase = z.infer<typeof phaseSchema>;

export const RELATION_KINDS = [
  'replaces',
  'replaced-by',
  'amendment',
  'corrigendum',
  /** A regional adoption names the standard it adopts (EN ISO/IEC 42001 adopts ISO/IEC 42001). */
  'adopts',
  /** A version of the document itself (a NIST draft, final or update), newest last. */
  'version',
] as const;
export const relationKindSchema = z.enum(RELATION_KINDS);
export type RelationKind = z.infer<typeof relationKindSchema>;

/**
 * `<publisher>:<stable id>`: `iso:81230` (iso.org's numeric id, stable from draft to withdrawal while
 * the reference string is not), `iec:160`, `cen:19677`, `nist:SP.800-53r5`. No whitespace: it is part
 * of every item's `tag:` URI.
 */
export const documentKeySchema = z
  .string()
  .regex(/^[a-z]{2,10}:[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, 'must look like <publisher>:<id>, e.g. iso:81230 or nist:SP.800-53r5');

/** Harmonized ISO/IEC stage code (ISO/IEC Directives Part 1, Annex SD): `60.60`. */
export const stageCodeSchema = z.string().regex(/^\d{2}\.\d{2}$/, 'must be a stage code like 60.60');

/** A date as the source gives it: a year (IEC's stability date), a month (iso.org) or a day. */
export const partialDateSchema = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be YYYY, YYYY-MM or YYYY-MM-DD');

// C0 and C1 control characters and DEL: an ESC sequence in a reference must never reach a terminal,
// and none of them is legal in XML 1.0 feeds (issue 8).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export const shortText = (max: number) =>
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
    /** The publisher's stage words for a related document in preparation (IEC history: `CDV`). */
    stageLabel: shortText(80).optional(),
    /** The related document's date where the source gives one (a NIST version's release date). */
    date: partialDateSchema.optional(),
    /** A successor that replaces only part of this document (IEC: "has been partially replaced by"). */
    partial: z.literal(true).optional(),
  })
  .strict();
export type Relation = z.infer<typeof relationSchema>;

/** Dates beyond the stage and publication dates, named for what they mean, not for a publisher's label. */
export const DATE_NAMES = [
  'withdrawal', // the document was (or will be) withdrawn
  'stability', // IEC: until when no change is planned (a year)
  'ratification', // CEN DOR
  'availability', // CEN DAV
  'announcement', // CEN DOA
  'nationalPublication', // CEN DOP
  'nationalWithdrawal', // CEN DOW: conflicting national standards withdrawn by
  'commentFrom', // a public comment period (NIST drafts)
  'commentTo',
  'issued', // NIST: original issue of a final
  'updated', // NIST: latest update of a final
] as const;
export type DateName = (typeof DATE_NAMES)[number];
export const datesSchema = z
  .object(Object.fromEntries(DATE_NAMES.map((name) => [name, partialDateSchema.optional()])) as Record<DateName, z.ZodOptional<typeof partialDateSchema>>)
  .strict();

/** Where a European standard stands in law: the CEN legal block. */
export const legalSchema = z
  .object({
    directives: z.array(shortText(120)).max(20).optional(),
    mandates: z.array(shortText(40)).max(20).optional(),
    /** The Official Journal citation as the publisher shows it, e.g. `OJ C 92, 2022-02-25`. */
    ojeuCitation: shortText(200).optional(),
  })
  .strict();

export const recordSchema = z
  .object({
    key: documentKeySchema,
    reference: referenceSchema,
    title: titleSchema.optional(),
    status: statusSchema,
    phase: phaseSchema,
    /** The harmonized stage code, where the publisher has one. */
    stage: stageCodeSchema.optional(),
    /** The publisher's own stage or status words where it has no harmonized code (`Under Approval`, `CDV`, `ipd`). */
    stageLabel: shortText(80).optional(),
    /** Date of the latest stage change (iso.org: meta[name=pubdate]). */
    stageDate: partialDateSchema.optional(),
    /** As the source shows it; may be a forecast before publication. */
    publicationDate: partialDateSchema.optional(),
    dates: datesSchema.optional(),
    /** ISO's edition number; IEC's `2.1` (edition 2, first consolidated amendment). */
    edition: z.number().positive().max(99).optional(),
    /** A version word where the publisher numbers versions instead of editions (NIST `ipd`, `final`, `upd1`). */
    version: shortText(40).optional(),
    pages: z.number().int().positive().max(100_000).optional(),
    committee: shortText(80).optional(),
    /** The committee's name where the publisher shows it (`(Disbanded) eXtensions for Financial Services`). */
    committeeTitle: shortText(200).optional(),
    ics: z
      .array(z.string().regex(/^\d{2}(\.\d{3}(\.\d{2})?)?$/))
      .max(40)
      .optional(),
    languages: z
      .array(z.string().regex(/^[a-z]{2}$/))
      .max(20)
      .optional(),
    legal: legalSchema.optional(),
    relations: z.array(relationSchema).max(200).optional(),
  })
  .strict();
export type DocumentRecord = z.infer<typeof recordSchema>;

const FIELD_ORDER = [
  'key',
  'reference',
  'status',
  'phase',
  'stage',
  'title',
  'stageLabel',
  'stageDate',
  'publicationDate',
  'dates',
  'edition',
  'version',
  'pages',
  'committee',
  'committeeTitle',
  'ics',
  'languages',
  'legal',
  'relations',
] as const satisfies ReadonlyArray<keyof DocumentRecord>;

/**
 * Canonical form: the same facts always serialise to the same bytes, whatever order the page listed
 * them in (spec/severity.md rule 3: field order is not a change).
 */
export function canonicalRecord(record: DocumentRecord): DocumentRecord {
  const out: Record<string, unknown> = {};
  for (const field of FIELD_ORDER) {
    const value = record[field];
    if (value === undefined) continue;
    if (field === 'ics' || field === 'languages') out[field] = [...new Set(value as string[])].sort();
    else if (field === 'dates') out[field] = canonicalDates(value as NonNullable<DocumentRecord['dates']>);
    else if (field === 'legal') out[field] = canonicalLegal(value as NonNullable<DocumentRecord['legal']>);
    else if (field === 'relations') out[field] = canonicalRelations(value as Relation[]);
    else out[field] = value;
  }
  return out as DocumentRecord;
}

function canonicalDates(dates: NonNullable<DocumentRecord['dates']>): NonNullable<DocumentRecord['dates']> {
  return Object.fromEntries(DATE_NAMES.filter((name) => dates[name] !== undefined).map((name) => [name, dates[name]]));
}

function canonicalLegal(legal: NonNullable<DocumentRecord['legal']>): NonNullable<DocumentRecord['legal']> {
  const out: NonNullable<DocumentRecord['legal']> = {};
  if (legal.directives !== undefined) out.directives = [...new Set(legal.directives)].sort();
  if (legal.mandates !== undefined) out.mandates = [...new Set(legal.mandates)].sort();
  if (legal.ojeuCitation !== undefined) out.ojeuCitation = legal.ojeuCitation;
  return out;
}

/** A page that lists a related document twice says nothing more than once (severity rule 3). */
function canonicalRelations(relations: Relation[]): Relation[] {
  const unique = new Map(relations.map((r) => [`${r.kind}\u0000${r.key ?? r.reference}`, r]));
  return [...unique.values()]
    .map((r) => {
      const rel: Relation = { kind: r.kind, reference: r.reference };
      if (r.key !== undefined) rel.key = r.key;
      if (r.status !== undefined) rel.status = r.status;
      if (r.stageLabel !== undefined) rel.stageLabel = r.stageLabel;
      if (r.date !== undefined) rel.date = r.date;
      if (r.partial === true) rel.partial = true;
      return rel;
    })
    .sort((a, b) => relationSortKey(a).localeCompare(relationSortKey(b)));
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
