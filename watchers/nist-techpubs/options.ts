import * as z from 'zod';
import { nistIdentifierSchema } from '../nist-csrc/index.js';

// The settings of a source of this kind, apart from its declaration so that the extractor, loaded
// on first use, can name them without importing the declaration back.

export const techpubsOptionsSchema = z
  .object({
    /** Publications to follow (`NIST AI 100-1`, `AI 100-2e2023`); every listed one when absent. */
    documents: z.array(nistIdentifierSchema).min(1).max(500).optional(),
  })
  .strict();
export type TechpubsOptions = z.infer<typeof techpubsOptionsSchema>;
