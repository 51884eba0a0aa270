import * as z from 'zod';
import sliceData from '../../demo/sc42-slice.json' with { type: 'json' };

// The facts `regwatch demo` replays (demo/sc42-slice.json, built by scripts/build-demo-slice.ts),
// and the ISO Open Data dump of one day made from them: the rows the iso-opendata watcher reads,
// with the facts of that day and nothing else (no scope, no title).

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const sliceSchema = z
  .object({
    about: z.string(),
    attribution: z.string(),
    licence: z.string().url(),
    days: z.array(day).min(1),
    documents: z.array(
      z
        .object({
          id: z.number().int().positive(),
          committee: z.string(),
          deliverableType: z.string(),
          supplementType: z.string().optional(),
          edition: z.number().int().positive(),
          ics: z.array(z.string()),
          history: z.array(z.object({ day, reference: z.string(), stage: z.string().regex(/^\d{2}\.\d{2}$/), publicationDate: day.nullable() })).min(1),
        })
        .strict(),
    ),
  })
  .strict();

export type DemoSlice = z.infer<typeof sliceSchema>;

export function demoSlice(): DemoSlice {
  return sliceSchema.parse(sliceData);
}

/** The committee the slice is about, which the demo's source watches. */
export function sliceCommittees(slice: DemoSlice): string[] {
  return [...new Set(slice.documents.map((d) => d.committee))];
}

/** One day's dump as JSONL: each document as it stood that day (those not yet seen are absent). */
export function dumpOf(slice: DemoSlice, on: string): string {
  const rows = slice.documents.flatMap((doc) => {
    const state = doc.history.filter((h) => h.day <= on).at(-1);
    if (state === undefined) return [];
    return [
      {
        id: doc.id,
        deliverableType: doc.deliverableType,
        supplementType: doc.supplementType ?? null,
        reference: state.reference,
        publicationDate: state.publicationDate,
        edition: doc.edition,
        icsCode: doc.ics,
        ownerCommittee: doc.committee,
        currentStage: Number(state.stage.replace('.', '')),
        replaces: null,
        replacedBy: null,
        languages: ['en'],
        pages: null,
      },
    ];
  });
  return rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
}
