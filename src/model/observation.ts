import * as z from 'zod';
import { eventTypeSchema, provenanceSchema, severitySchema } from './item.js';
import { licenceSchema } from './licence.js';
import { phaseSchema, stageCodeSchema } from './record.js';

// What one source saw change in one document during one check (or a health event of a source).
// Observations are durable; items are composed from them (src/pipeline/compose.ts). The schema is
// what an observation read back from the store must look like: its shape and vocabularies, not the
// bounds of a published item, which composing applies (an item over them is refused, kept pending).

const effectiveDateKindSchema = z.enum(['stage-date', 'publication-date']);

const datedFindingSchema = z
  .object({
    event: eventTypeSchema,
    severity: severitySchema,
    words: z.string(),
    about: z.string().optional(),
    effectiveDate: z.string().nullable(),
    effectiveDateKind: effectiveDateKindSchema.nullable(),
  })
  .strict();

export const classificationSchema = z
  .object({
    event: eventTypeSchema,
    severity: severitySchema,
    alsoEvents: z.array(eventTypeSchema),
    summary: z.string(),
    effectiveDate: z.string().nullable(),
    effectiveDateKind: effectiveDateKindSchema.nullable(),
    /**
     * Every finding, kept only when one reports a related document's move: if that document's own
     * observation reports the move in the same run, composing folds it there (src/pipeline/related-moves.ts).
     */
    findings: z.array(datedFindingSchema).optional(),
  })
  .strict();

const fieldValue = z.union([z.string(), z.number(), z.null()]);
const observedChangeSchema = z.object({ field: z.string(), before: fieldValue, after: fieldValue, wordDiff: z.string().optional() }).strict();

export const observationSchema = z
  .object({
    sourceId: z.string().min(1),
    /** The document the item is about (a source's `sameAs` key when it has one); null for a source-health observation. */
    docKey: z.string().min(1).nullable(),
    /** The document's n-th observed change in this source (1 = baseline): part of the stable item id. */
    seq: z.number().int(),
    documentUrl: z.string(),
    reference: z.string(),
    /** Where the document now stands: its harmonized stage code, where the publisher has one. */
    stage: stageCodeSchema.nullable(),
    /** …and its common phase (absent on observations stored before phases existed). */
    phase: phaseSchema.optional(),
    observedAt: z.string(),
    classification: classificationSchema,
    changes: z.array(observedChangeSchema),
    provenance: provenanceSchema,
    licence: licenceSchema,
  })
  .strict();
export type Observation = z.infer<typeof observationSchema>;
