import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventType, Severity } from '../../src/model/item.js';
import { keyOfIdentifier } from '../../watchers/nist-csrc/identifier.js';
import { FIXTURES_DIR } from '../fixtures.js';

// The CSRC replay (../shared/fixtures/nist/pubs-export/expected.json), made reusable: the days in
// order, era by era, and what each day must produce for each followed publication. expected.json
// lists transitions PER RECORD (one CSRC record = one version of a publication) with its own
// mechanical labels; regwatch reports per DOCUMENT (the publication) in spec/severity.md's events.
// REPLAY_EVENT_TABLE says how one becomes the other; several record transitions of one document on
// one day are one document event, the strongest (the others are named in the same item).
//
// Used by test/nist-replay.test.ts at the watcher level; the pipeline replay can walk the same
// steps (serve `zipPath(day)` at the feed URL) and compare its items with `expectedEvents`.

export const NIST_REPLAY_DIR = join(FIXTURES_DIR, 'nist', 'pubs-export');
export const NIST_MANIFEST = join(FIXTURES_DIR, 'nist', 'manifest.json');

export interface ReplayDay {
  label: string;
  file: string;
  recorded: string;
  era: 'era1' | 'era2';
  records: number;
  jsonSha256: string;
  previous: string | null;
}

export interface ReplayChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface ReplayTransition {
  era: 'era1' | 'era2';
  day: string;
  previous_day: string | null;
  id: string;
  docidentifier: string;
  event: string;
  ghost: boolean;
  changes: ReplayChange[];
}

export interface NistReplay {
  watch: { developer: string[] };
  days: ReplayDay[];
  anomalies: Array<{ day: string; file: string; records: number; what: string }>;
  noise_days: Array<{ day: string; previous_day: string; what: string }>;
  transitions: ReplayTransition[];
}

export function loadNistReplay(): NistReplay {
  return JSON.parse(readFileSync(join(NIST_REPLAY_DIR, 'expected.json'), 'utf8')) as NistReplay;
}

export function zipPath(file: string): string {
  return join(NIST_REPLAY_DIR, file);
}

export interface ReplayStep {
  day: ReplayDay;
  /** The previous day of the same era; null on an era's first day (a fresh run: everything is a baseline). */
  previous: ReplayDay | null;
}

/** The replay's days in order; era1 and era2 are two runs (the store is reset between them). */
export function replaySteps(replay: NistReplay): ReplayStep[] {
  return replay.days.map((day, i) => {
    const before = replay.days[i - 1];
    return { day, previous: before !== undefined && before.era === day.era ? before : null };
  });
}

/** What a document event of the replay is worth (spec/severity.md, NIST rows; new-edition as ISO's). */
export const SPEC_SEVERITY: Partial<Record<EventType, Severity>> = {
  baseline: 'baseline',
  'new-edition': 'critical',
  withdrawn: 'critical',
  'final-published': 'major',
  'update-published': 'minor',
  'draft-released': 'minor',
  'draft-retired': 'minor',
  'comment-period-changed': 'info',
  'publication-date': 'info',
};

/** Among events of one severity, which leads (the order of the watcher's rules). */
const LEAD_ORDER: EventType[] = [
  'baseline',
  'new-edition',
  'withdrawn',
  'final-published',
  'update-published',
  'draft-released',
  'draft-retired',
  'comment-period-changed',
  'publication-date',
];

/**
 * expected.json's labels → spec/severity.md's events. `null`: no event of its own (folded into the
 * document's other event of the day, or never a change). Where a label needs the transition's own
 * fields to be read right, `specEventOf` says so and why.
 *
 * | replay label             | spec event                | when / why                                                      |
 * |--------------------------|---------------------------|-----------------------------------------------------------------|
 * | baseline                 | baseline                  | an era's first day                                               |
 * | new-draft                | draft-released (minor)    | a new public draft record                                        |
 * | new-final                | final-published (major)   | critical when it supersedes a watched publication; a final       |
 * |                          |                           | re-listed under a new URL the day its old record vanished (CSWP  |
 * |                          |                           | 31) is publication-date (info)                                   |
 * | new-update               | update-published (minor)  |                                                                  |
 * | comment-period-changed   | comment-period-changed    | info; draft-released (minor) when comment-from moved or appeared:|
 * |                          |                           | a placeholder draft got its real date and comment period, or a   |
 * |                          |                           | pre-2023 /draft record was replaced in place by the next draft    |
 * | iteration-changed        | —                         | CSRC relabelled a draft (words); draft-released when its         |
 * |                          |                           | published-date moved (the next draft replaced it in place)       |
 * | withdrawn                | withdrawn (critical)      | new-edition (critical) when superseded-by names another          |
 * |                          |                           | publication; — when it names an update of the same one (the      |
 * |                          |                           | update-published of the same day)                                |
 * | new-archived-record      | —                         | pre-2023, the previous version moved to /archive when the next   |
 * |                          |                           | arrived (folded); a final archived with no new version that day  |
 * |                          |                           | reads as `withdrawn` above                                       |
 * | draft-withdrawn          | —                         | folded into the next draft or final of the same day              |
 * | record-removed           | —                         | folded (the pre-2023 /draft gone to /archive; a re-listed record)|
 * | draft-retired            | draft-retired (minor)     |                                                                  |
 * | date-changed             | publication-date (info)   |                                                                  |
 * | relations-changed        | —                         | a related record's URL moved: the same publication               |
 * | metadata-changed         | —                         | the draft marker's wording (" (DRAFT)" → " (Draft)")             |
 * | status-changed           | —                         | read by its fields: a draft retired is draft-retired             |
 * | minor-metadata           | —                         | authors, keywords, DOIs                                          |
 * | any, ghost: true         | —                         | CSRC's `-(n)` duplicate records                                  |
 */
export const REPLAY_EVENT_TABLE: Readonly<Record<string, EventType | null>> = {
  baseline: 'baseline',
  'new-draft': 'draft-released',
  'new-final': 'final-published',
  'new-update': 'update-published',
  'comment-period-changed': 'comment-period-changed',
  'iteration-changed': null,
  withdrawn: 'withdrawn',
  'new-archived-record': null,
  'draft-withdrawn': null,
  'record-removed': null,
  'draft-retired': 'draft-retired',
  'date-changed': 'publication-date',
  'relations-changed': null,
  'metadata-changed': null,
  'status-changed': null,
  'minor-metadata': null,
};

export interface ExpectedEvent {
  event: EventType;
  severity: Severity;
}

function changeOf(t: ReplayTransition, field: string): ReplayChange | undefined {
  return t.changes.find((c) => c.field === field);
}

function identifiers(value: unknown): string[] {
  return Array.isArray(value) ? value.map((link) => String((link as { docidentifier?: unknown }).docidentifier ?? '')) : [];
}

const sameDocument = (a: string, b: string) => keyOfIdentifier(a) === keyOfIdentifier(b);

/** One record transition → the document event it stands for (null: none of its own). */
export function specEventOf(t: ReplayTransition, sameDay: readonly ReplayTransition[], watched: readonly string[]): ExpectedEvent | null {
  if (!(t.event in REPLAY_EVENT_TABLE)) throw new Error(`replay label ${t.event} has no mapping`);
  if (t.ghost) return null;
  const at = (event: EventType, severity = SPEC_SEVERITY[event]!): ExpectedEvent => ({ event, severity });
  const others = sameDay.filter((o) => o !== t && o.docidentifier === t.docidentifier && !o.ghost);
  const supersededBy = (x: ReplayTransition) => identifiers(changeOf(x, 'superseded-by')?.after).filter((id) => id !== '');
  const asWithdrawal = (x: ReplayTransition): ExpectedEvent | null => {
    const by = supersededBy(x);
    if (by.length === 0) return at('withdrawn');
    if (by.every((id) => sameDocument(id, x.docidentifier))) return null; // its own update replaced it
    return at('new-edition');
  };
  switch (t.event) {
    case 'new-final': {
      const relisted = others.some((o) => o.event === 'record-removed' && changeOf(o, 'status')?.before === 'final');
      if (relisted) return at('publication-date');
      const supersedes = identifiers(changeOf(t, 'supersedes')?.after);
      const replacesWatched = supersedes.some((id) => !sameDocument(id, t.docidentifier) && watched.some((w) => sameDocument(w, id)));
      return at('final-published', replacesWatched ? 'critical' : 'major');
    }
    case 'comment-period-changed': {
      const from = changeOf(t, 'comment-from');
      return from !== undefined && from.after !== null && from.after !== from.before ? at('draft-released') : at('comment-period-changed');
    }
    case 'iteration-changed':
      return changeOf(t, 'published-date') !== undefined ? at('draft-released') : null;
    case 'withdrawn':
      return asWithdrawal(t);
    case 'new-archived-record': {
      const final = changeOf(t, 'status')?.after === 'final';
      const arrived = others.some((o) => o.event === 'new-final' || o.event === 'new-update');
      return final && !arrived ? asWithdrawal(t) : null;
    }
    case 'status-changed':
      return changeOf(t, 'substage')?.after === 'retired' ? at('draft-retired') : null;
    default: {
      const event = REPLAY_EVENT_TABLE[t.event];
      return event === null || event === undefined ? null : at(event);
    }
  }
}

/** The strongest of a document's events of one day (null when none of its transitions is an event). */
export function leadOf(events: ReadonlyArray<ExpectedEvent | null>): ExpectedEvent | null {
  const rank = (e: ExpectedEvent) => ['baseline', 'critical', 'major', 'minor', 'info'].indexOf(e.severity) * 100 + LEAD_ORDER.indexOf(e.event);
  return events.filter((e): e is ExpectedEvent => e !== null).sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

export interface DocumentDay {
  day: string;
  key: string;
  docidentifier: string;
  transitions: ReplayTransition[];
  /** Each transition's own event (null: folded or never a change), in `transitions` order. */
  mapped: Array<ExpectedEvent | null>;
  /** The document's event of the day: the strongest mapped one; null when every transition is none. */
  lead: ExpectedEvent | null;
}

/** day → document key → what that document must produce that day. Keys by the watcher's normalisation. */
export function expectedDocumentDays(replay: NistReplay, watched: readonly string[] = replay.watch.developer): Map<string, Map<string, DocumentDay>> {
  const out = new Map<string, Map<string, DocumentDay>>();
  for (const t of replay.transitions) {
    const key = keyOfIdentifier(t.docidentifier);
    if (key === null) throw new Error(`replay docidentifier ${t.docidentifier} has no key`);
    const day = out.get(t.day) ?? out.set(t.day, new Map()).get(t.day)!;
    const doc = day.get(key) ?? day.set(key, { day: t.day, key, docidentifier: t.docidentifier, transitions: [], mapped: [], lead: null }).get(key)!;
    doc.transitions.push(t);
  }
  for (const day of out.values()) {
    for (const doc of day.values()) {
      doc.mapped = doc.transitions.map((t) => specEventOf(t, doc.transitions, watched));
      doc.lead = leadOf(doc.mapped);
    }
  }
  return out;
}
