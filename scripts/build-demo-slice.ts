// Builds demo/sc42-slice.json, the data `regwatch demo` replays, from the facts that
// ../shared/fixtures/iso-opendata/sc42-replay/expected.json lists for a handful of ISO/IEC JTC 1/SC 42
// documents: each one's first state and every transition after it (reference, stage code,
// publication date), with its committee, edition and ICS codes. Facts only: no dump row is copied,
// and neither a scope (abstract) nor a title exists in the output.
//
//   npx tsx scripts/build-demo-slice.ts [path/to/expected.json] [output.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Documents with real moves: a ballot repeated then publication, a DIS ballot to FDIS, a publication, a revision decided then confirmed, and ISO/IEC 42001 itself. */
const DOCUMENTS = [84110, 84111, 81228, 79799, 81230];

interface Change {
  field: string;
  before: unknown;
  after: unknown;
}
interface Transition {
  day: string;
  id: number;
  event: string;
  changes: Change[];
}

const root = resolve(import.meta.dirname, '..');
const input = process.argv[2] ?? join(process.env.REGWATCH_FIXTURES ?? resolve(root, '../shared/fixtures'), 'iso-opendata/sc42-replay/expected.json');
const expected = JSON.parse(readFileSync(input, 'utf8')) as { transitions: Transition[] };

const MUTABLE = new Set(['reference', 'currentStage', 'publicationDate']);
const FIXED = new Set(['deliverableType', 'supplementType', 'edition', 'icsCode', 'ownerCommittee', 'languages']);
const stage = (code: unknown) => {
  if (typeof code !== 'number') throw new Error(`not a stage code: ${JSON.stringify(code)}`);
  return `${String(code).slice(0, 2)}.${String(code).slice(2)}`;
};

const documents = DOCUMENTS.map((id) => {
  const transitions = expected.transitions.filter((t) => t.id === id).sort((a, b) => a.day.localeCompare(b.day));
  const [first, ...later] = transitions;
  if (first === undefined || (first.event !== 'baseline' && first.event !== 'new-project')) throw new Error(`${id}: no first observation in ${input}`);
  const state = Object.fromEntries(first.changes.map((c) => [c.field, c.after])) as Record<string, unknown>;
  const entry = (day: string) => ({
    day,
    reference: state.reference as string,
    stage: stage(state.currentStage),
    publicationDate: (state.publicationDate as string | undefined) ?? null,
  });
  const history = [entry(first.day)];
  for (const t of later) {
    for (const change of t.changes) {
      if (FIXED.has(change.field)) throw new Error(`${id} ${t.day}: ${change.field} changes; the slice keeps it fixed`);
      if (!MUTABLE.has(change.field)) throw new Error(`${id} ${t.day}: unexpected field ${change.field}`);
      state[change.field] = change.after;
    }
    history.push(entry(t.day));
  }
  return {
    id,
    committee: state.ownerCommittee as string,
    deliverableType: state.deliverableType as string,
    ...(state.supplementType ? { supplementType: state.supplementType as string } : {}),
    edition: state.edition as number,
    ics: state.icsCode as string[],
    history,
  };
});

const days = [...new Set(documents.flatMap((d) => d.history.map((h) => h.day)))].sort();
const slice = {
  about:
    'A facts-only slice of ISO/IEC JTC 1/SC 42 catalogue history for `regwatch demo`: stage codes, references, publication dates, editions, committee and ICS codes of a few documents, day by day, as listed in the SC 42 replay of the test fixtures (reconstructed from dated public crawls of iso.org). No abstract, no title, no row of a dump. Rebuild: npx tsx scripts/build-demo-slice.ts',
  attribution: 'Contains ISO Open Data (ISO deliverables metadata), © ISO, licensed under ODC-By 1.0',
  licence: 'https://opendatacommons.org/licenses/by/1-0/',
  days,
  documents,
};
const output = process.argv[3] ?? join(root, 'demo/sc42-slice.json');
writeFileSync(output, `${JSON.stringify(slice, null, 1)}\n`);
console.log(`${output}: ${documents.length} documents, ${days.length} days, ${documents.reduce((n, d) => n + d.history.length - 1, 0)} transitions`);
