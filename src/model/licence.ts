import * as z from 'zod';

// The licence vocabulary of spec/licences.md: every published item carries one.

export const LICENCE_TAGS = ['proprietary-metadata-only', 'public-domain', 'open-attribution', 'share-alike-noncommercial', 'facts-and-quotation'] as const;
export const licenceTagSchema = z.enum(LICENCE_TAGS);
export type LicenceTag = z.infer<typeof licenceTagSchema>;

export const licenceSchema = z
  .object({
    tag: licenceTagSchema,
    rights: z.string().min(1).max(300),
    attribution: z.string().min(1).max(300),
    /** A URI for dcterms:license; absent where the source has no licence document. */
    uri: z.string().url().optional(),
  })
  .strict();
export type Licence = z.infer<typeof licenceSchema>;
