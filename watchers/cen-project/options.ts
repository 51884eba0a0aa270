import * as z from 'zod';

// The settings of a source of this kind, apart from its declaration so that the extractor, loaded
// on first use, can name them without importing the declaration back.

export const cenProjectOptionsSchema = z.object({}).strict();
export type CenProjectOptions = z.infer<typeof cenProjectOptionsSchema>;
