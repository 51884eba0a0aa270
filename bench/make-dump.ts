import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

// A synthetic ISO Open Data `iso_deliverables_metadata` dump for the extraction bench: 80,000 rows
// shaped like the real ones (same keys in the same order, a `scope` HTML abstract per row, ~60 MB),
// an ISO/IEC JTC 1/SC 42 slice with the followed documents and their amendments, and a second
// day in which 1% of all rows (1% of the watched ones among them) moved stage, reshuffled.
// Deterministic: the same seed writes the same bytes. Invented text only; no real abstract.
//
//   npx tsx bench/make-dump.ts [out-dir]   (default: $TMPDIR/regwatch-bench)

const ROWS = 80_000;
const SEED = 42001;
const SC42 = 'ISO/IEC JTC 1/SC 42';
const FOLLOWED: Array<[number, string, number]> = [
  [81230, 'ISO/IEC 42001:2023', 6060],
  [44545, 'ISO/IEC 42005:2025', 6060],
  [44546, 'ISO/IEC 42006:2025', 6060],
  [77304, 'ISO/IEC 23894:2023', 6060],
];
const STAGES = [2000, 3020, 3060, 4020, 4060, 5000, 5020, 6000, 6060, 6060, 6060, 9020, 9060, 9092, 9093, 9093, 9093, 9599, 9599, 2098];
const NEXT_STAGE: Record<number, number> = {
  2000: 3020,
  3020: 3060,
  3060: 4020,
  4020: 4060,
  4060: 5000,
  5000: 5020,
  5020: 6000,
  6000: 6060,
  6060: 9020,
  9020: 9060,
  9060: 9093,
  9092: 9599,
  9093: 9020,
};
const WORDS = (
  'this document specifies requirements and provides guidance for establishing implementing maintaining ' +
  'continually improving management system organizations artificial intelligence within context of an organization ' +
  'applicable to any size type nature that provides or uses products services utilizing systems intended help ' +
  'develop responsibly pursuing objectives meeting applicable regulations obligations related interested parties ' +
  'expectations data quality risk assessment lifecycle processes évaluation conformité “quoted” – terms'
).split(' ');

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

interface Row {
  id: number;
  deliverableType: string;
  supplementType: string | null;
  reference: string;
  publicationDate: string | null;
  edition: number;
  icsCode: string[];
  ownerCommittee: string;
  currentStage: number;
  replaces: number[] | null;
  replacedBy: number[] | null;
  languages: string[];
  pages: { en: number } | null;
  scope: { en: string | null };
}

/** A few paragraphs and a list, with the escapes real abstracts need (quotes, newlines, non-ASCII). */
function abstract(): string | null {
  if (random() < 0.12) return null;
  const paragraph = () => {
    const words = Array.from({ length: int(10, 45) }, () => pick(WORDS));
    return `<p>${words.join(' ')}.</p>`;
  };
  const parts = Array.from({ length: int(1, 3) }, paragraph);
  if (random() < 0.4)
    parts.push(`<ul>\n${Array.from({ length: int(2, 6) }, () => `<li>${pick(WORDS)} "${pick(WORDS)}" ${pick(WORDS)};</li>`).join('\n')}\n</ul>`);
  return parts.join('\n');
}

function committee(): string {
  const r = random();
  if (r < 0.15) return `ISO/IEC JTC 1/SC ${pick([2, 6, 7, 17, 22, 23, 24, 25, 27, 28, 29, 31, 32, 34, 35, 36, 37, 38, 39, 40, 41, 43, 44])}`;
  if (r < 0.6) return `ISO/TC ${int(1, 340)}/SC ${int(1, 12)}`;
  return `ISO/TC ${int(1, 340)}`;
}

function row(id: number, over: Partial<Row>): Row {
  const stage = pick(STAGES);
  const year = int(1975, 2025);
  const prefix = pick(['ISO', 'ISO', 'ISO', 'ISO/IEC', 'ISO/TS', 'ISO/TR']);
  return {
    id,
    deliverableType: prefix.endsWith('TS') ? 'TS' : prefix.endsWith('TR') ? 'TR' : 'IS',
    supplementType: null,
    reference: stage < 6000 ? `${prefix} DIS ${int(100, 99999)}` : `${prefix} ${int(100, 99999)}${random() < 0.3 ? `-${int(1, 12)}` : ''}:${year}`,
    publicationDate: stage < 6000 ? null : `${year}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}`,
    edition: int(1, 6),
    icsCode: Array.from(
      { length: int(1, 3) },
      () => `${String(int(1, 97)).padStart(2, '0')}.${String(int(0, 200)).padStart(3, '0')}${random() < 0.3 ? `.${String(int(1, 99)).padStart(2, '0')}` : ''}`,
    ),
    ownerCommittee: committee(),
    currentStage: stage,
    replaces: random() < 0.2 ? [int(1000, 99999)] : null,
    replacedBy: random() < 0.05 ? [int(1000, 99999)] : null,
    languages: random() < 0.5 ? ['en', 'fr'] : ['en'],
    pages: random() < 0.9 ? { en: int(2, 400) } : null,
    scope: { en: abstract() },
    ...over,
  };
}

function sc42Slice(): Row[] {
  const rows: Row[] = FOLLOWED.map(([id, reference, currentStage]) =>
    row(id, { reference, currentStage, ownerCommittee: SC42, replaces: null, replacedBy: null }),
  );
  rows.push(
    row(91001, {
      reference: 'ISO/IEC 42001:2023/CD Amd 1',
      supplementType: 'Amd',
      currentStage: 3020,
      ownerCommittee: SC42,
      publicationDate: null,
      replaces: null,
      replacedBy: null,
    }),
  );
  rows.push(
    row(91002, {
      reference: 'ISO/IEC 23894:2023/Cor 1:2024',
      supplementType: 'Cor',
      currentStage: 6060,
      ownerCommittee: SC42,
      replaces: null,
      replacedBy: null,
    }),
  );
  for (let i = 0; i < 150; i += 1) {
    rows.push(
      row(92000 + i, { reference: `ISO/IEC ${pick(['', 'TS ', 'TR ', 'DIS ', 'CD '])}${5000 + i}`, ownerCommittee: SC42, replaces: null, replacedBy: null }),
    );
  }
  return rows;
}

function shuffle<T>(list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/** The next stage; a withdrawn or deleted row cannot move, so its page count is corrected instead. */
function changed(r: Row): Row {
  const stage = NEXT_STAGE[r.currentStage] ?? r.currentStage;
  if (stage !== r.currentStage) return { ...r, currentStage: stage };
  return { ...r, pages: { en: (r.pages?.en ?? 1) + 1 } };
}

async function write(path: string, rows: Row[]): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  for (const r of rows) {
    const line = `${JSON.stringify(r)}\n`;
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
  return bytes;
}

const dir = process.argv[2] ?? join(tmpdir(), 'regwatch-bench');
mkdirSync(dir, { recursive: true });

const watched = sc42Slice();
const used = new Set(watched.map((r) => r.id));
const rows = [...watched];
while (rows.length < ROWS) {
  const id = int(1000, 199_999);
  if (used.has(id)) continue;
  used.add(id);
  rows.push(row(id, {}));
}
const base = shuffle([...rows]);

// Day 2: 1% of all rows moved stage, among them 1% of the watched slice (at least one), reshuffled.
const watchedIds = watched.map((r) => r.id);
const toChange = new Set(shuffle([...watchedIds]).slice(0, Math.max(1, Math.round(watchedIds.length / 100))));
while (toChange.size < ROWS / 100) toChange.add(pick(base).id);
const next = shuffle(base.map((r) => (toChange.has(r.id) ? changed(r) : r)));

const baseBytes = await write(join(dir, 'dump-base.jsonl'), base);
const nextBytes = await write(join(dir, 'dump-1pct.jsonl'), next);
writeFileSync(join(dir, 'known-keys.json'), `${JSON.stringify(watchedIds.map((id) => `iso:${id}`))}\n`);
console.log(`${dir}/dump-base.jsonl  ${ROWS} rows  ${(baseBytes / 1e6).toFixed(1)} MB  (SC 42 slice: ${watched.length} rows)`);
console.log(
  `${dir}/dump-1pct.jsonl  ${ROWS} rows  ${(nextBytes / 1e6).toFixed(1)} MB  (${toChange.size} rows changed, ${[...toChange].filter((id) => watchedIds.includes(id)).length} watched)`,
);
console.log(`${dir}/known-keys.json  ${watchedIds.length} keys`);
