import * as z from 'zod';
import { documentKeySchema, referenceSchema } from './record.js';
import { licenceSchema } from './licence.js';
import { SEVERITIES } from './severity.js';

// The shapes of spec/outputs.md: a classified change (what the pipeline decides) and a published
// item (what every feed and changes.json carry). changes.json's JSON Schema is generated from
// changesFileSchema, so consumers validate against exactly what the code validates with.

export { SEVERITIES, SEVERITY_ORDER, filterRank, type Severity } from './severity.js';
export const severitySchema = z.enum(SEVERITIES);

export const EVENT_TYPES = [
  'baseline',
  'new-edition',
  'withdrawn',
  'published',
  'amendment-published',
  'revision-registered',
  'dis-ballot',
  'fdis',
  'under-publication',
  'withdrawal-proposed',
  'ballot-repeated',
  'amendment-registered',
  'draft-progress',
  'confirmed',
  'corrigendum-published',
  'committee-changed',
  'deleted',
  'title-changed',
  'review-started',
  'review-closed',
  'publication-date',
  'pages-changed',
  'ics-changed',
  'languages-changed',
  'new-project',
  // Other publishers (spec/severity.md "Other publishers")
  'stability-date-changed',
  'enquiry',
  'formal-vote',
  'oj-citation',
  'mandate-changed',
  'dates-changed',
  'draft-released',
  'comment-period-changed',
  'final-published',
  'update-published',
  'draft-retired',
  // Beyond spec/severity.md: a field no spec event covers changed (an edition number or a stage date
  // corrected, a status without a stage move): info, so nothing is lost; and the watcher's own health
  // (issue 4), which is about the source, never about the standard.
  'record-corrected',
  'source-health',
] as const;
export const eventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof eventTypeSchema>;

const fieldValue = z.union([z.string().max(2000), z.number(), z.null()]);

export const fieldChangeSchema = z
  .object({
    field: z.string().min(1).max(80),
    before: fieldValue,
    after: fieldValue,
    /** Word diff of a changed text field, `[-old-]{+new+}` style, from the `diff` package. */
    wordDiff: z.string().max(2000).optional(),
  })
  .strict();
export type FieldChange = z.infer<typeof fieldChangeSchema>;

export const provenanceSchema = z
  .object({
    url: z.string().url(),
    fetchedAt: z.string().datetime(),
    httpStatus: z.number().int(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    watcher: z.string().min(1).max(40),
    watcherVersion: z.string().min(1).max(40),
  })
  .strict();
export type Provenance = z.infer<typeof provenanceSchema>;

export const itemSchema = z
  .object({
    id: z.string().regex(/^tag:regwatch,2026:[^\s]+$/),
    source: z.string().min(1).max(64),
    document: z
      .object({
        key: documentKeySchema,
        reference: referenceSchema,
        url: z.string().url(),
      })
      .strict()
      .nullable(), // null only on `source-health` items, which are about a source, not a document
    observedAt: z.string().datetime(),
    /** The date the source gives for the change, as precise as it gives it (NIST lists some by year alone), labelled by effectiveDateKind. */
    effectiveDate: z
      .string()
      .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/)
      .nullable(),
    effectiveDateKind: z.enum(['stage-date', 'publication-date']).nullable(),
    severity: severitySchema,
    event: eventTypeSchema,
    /** The other events of the same run, folded into this item (spec/severity.md composing rule 1). */
    alsoEvents: z.array(eventTypeSchema).max(20),
    summary: z.string().min(1).max(400),
    // a first observation lists every field and up to 200 relations
    changes: z.array(fieldChangeSchema).max(250),
    provenance: provenanceSchema,
    /** Other sources that reported the same document in the same run (one item per document per run). */
    alsoSeenBy: z.array(z.object({ source: z.string().min(1).max(64), provenance: provenanceSchema }).strict()).max(10),
    licence: licenceSchema,
  })
  .strict();
export type Item = z.infer<typeof itemSchema>;

/**
 * An item as read back from the store. Items composed before records refused control characters
 * (issue 8) may carry one in their document's reference: they stay readable, and every output
 * sanitises (feeds, changes.json) or escapes (the CLI) it.
 */
export const storedItemSchema = itemSchema.extend({
  document: z
    .object({ key: documentKeySchema, reference: z.string().min(1).max(120), url: z.string().url() })
    .strict()
    .nullable(),
});

export const changesFileSchema = z
  .object({
    version: z.literal(1),
    generatedAt: z.string().datetime(),
    items: z.array(itemSchema),
    /** Only in a page of GET /changes.json with a query: the next page's cursor, null on the last; never in the published file. */
    nextCursor: z
      .number()
      .int()
      .positive()
      .nullable()
      .optional()
      .describe('In a page served for GET /changes.json with a query only: the cursor of the next page (?cursor=), null on the last page'),
  })
  .strict();
export type ChangesFile = z.infer<typeof changesFileSchema>;

/** The sources whose feeds carry an item: the one that reported it first, and those that saw it too. */
export function sourcesOf(item: Pick<Item, 'source' | 'alsoSeenBy'>): string[] {
  return [item.source, ...item.alsoSeenBy.map((seen) => seen.source)];
}
