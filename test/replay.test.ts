import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSources } from '../src/config/index.js';
import type { Store } from '../src/store/store.js';
import { databasePath } from '../src/runtime/open-runtime.js';
import type { Item } from '../src/model/item.js';
import { startHarness, type Harness } from './harness.js';
import { describeWithFixtures, FIXTURES_DIR } from './fixtures.js';

// The SC 42 replay (../shared/fixtures/iso-opendata/sc42-replay): one reconstructed daily ISO Open
// Data dump per refresh, served from 127.0.0.1 at the blob store's path. Every real transition must
// be published once, with the event and severity of spec/severity.md; filler rows never; baseline first.

const REPLAY = join(FIXTURES_DIR, 'iso-opendata', 'sc42-replay');
const DUMP_PATH = '/opendata/_latest/iso_deliverables_metadata/json/iso_deliverables_metadata.jsonl';

interface Transition {
  day: string;
  id: number;
  event: string;
  reference_after: string;
  changes: Array<{ field: string; before: unknown; after: unknown }>;
}

/** The replay's mechanical event names → spec/severity.md (its README's own mapping table). */
const SPEC_EVENT: Record<string, [string, string]> = {
  baseline: ['baseline', 'baseline'],
  'wd-cd-progress': ['draft-progress', 'minor'],
  'dis-registered': ['draft-progress', 'minor'],
  'dis-closed': ['draft-progress', 'minor'],
  'dis-approved': ['draft-progress', 'minor'],
  'dis-ballot': ['dis-ballot', 'major'],
  'fdis-registered': ['fdis', 'major'],
  'fdis-ballot': ['fdis', 'major'],
  'fdis-closed': ['fdis', 'major'],
  'under-publication': ['under-publication', 'major'],
  published: ['published', 'major'],
  'publication-date': ['publication-date', 'info'],
  'review-started': ['review-started', 'info'],
  'review-closed': ['review-closed', 'info'],
  confirmed: ['confirmed', 'minor'],
  'to-be-revised': ['revision-registered', 'major'],
  'new-project': ['new-project', 'info'],
};

function expectedFor(t: Transition): [string, string] {
  // The README: on 2024-05-30 ISO/IEC TS 12791 goes from 60.00 back to 50.00, a second approval
  // ballot: the spec's ballot-repeated, major.
  const stage = t.changes.find((c) => c.field === 'currentStage');
  if (stage && typeof stage.before === 'number' && typeof stage.after === 'number' && stage.after < stage.before && stage.before < 9000) {
    return ['ballot-repeated', 'major'];
  }
  const mapped = SPEC_EVENT[t.event];
  if (mapped === undefined) throw new Error(`replay event ${t.event} has no mapping`);
  return mapped;
}

describeWithFixtures('SC 42 replay: one dump per day through the iso-opendata watcher', () => {
  let h: Harness;
  let dataDir: string;
  let store: Store;
  const expected = JSON.parse(readFileSync(join(REPLAY, 'expected.json'), 'utf8')) as {
    days: string[];
    transitions: Transition[];
    out_of_scope_changes: Array<{ id: number }>;
  };
  const byDay = new Map<string, Item[]>();

  beforeAll(async () => {
    h = await startHarness('replay', (origin) => [
      { ...(defaultSources().find((s) => (s as { id: string }).id === 'iso_catalogue') as object), url: `${origin}${DUMP_PATH}` },
    ]);
    ({ dataDir, store } = h);
    for (const day of expected.days) {
      h.server.routes.set(DUMP_PATH, { file: join(REPLAY, 'days', `${day}.jsonl`), headers: { 'content-type': 'application/x-ndjson', etag: `"${day}"` } });
      const { result, added } = await h.refreshAt(`${day}T06:00:00.000Z`);
      expect(result.outcomes[0]!.verdict, `${day}: ${result.outcomes[0]!.detail}`).toMatch(/^(changed|unchanged)$/);
      byDay.set(day, added);
    }
  }, 240_000);

  afterAll(async () => h?.close());

  it('reports every real transition once, on its day, with the spec event and severity', () => {
    expect(expected.days.length).toBeGreaterThanOrEqual(47);
    expect(expected.transitions.length).toBeGreaterThanOrEqual(111);
    for (const day of expected.days) {
      const want = expected.transitions
        .filter((t) => t.day === day)
        .map((t) => `iso:${t.id} ${expectedFor(t).join(' ')}`)
        .sort();
      const got = byDay
        .get(day)!
        .map((i) => `${i.document?.key} ${i.event} ${i.severity}`)
        .sort();
      expect(got, day).toEqual(want);
    }
    expect([...byDay.values()].flat().length).toBe(expected.transitions.length); // 111: 39 baselines + 72 changes
  });

  it('carries the reference after the change and the field changes', () => {
    const all = [...byDay.values()].flat();
    for (const t of expected.transitions.filter((x) => x.event !== 'baseline' && x.event !== 'new-project')) {
      const item = all.find((i) => i.document?.key === `iso:${t.id}` && i.observedAt.startsWith(t.day))!;
      expect(item.document!.reference).toBe(t.reference_after);
      const stage = t.changes.find((c) => c.field === 'currentStage');
      if (stage) {
        const fmt = (n: unknown) => `${String(n).slice(0, 2)}.${String(n).slice(2)}`;
        expect(item.changes, `${t.day} ${t.id}`).toContainEqual({ field: 'stage', before: fmt(stage.before), after: fmt(stage.after) });
      }
    }
  });

  it('never reports a filler row of another committee', () => {
    const fillers = new Set(expected.out_of_scope_changes.map((c) => `iso:${c.id}`));
    const all = [...byDay.values()].flat();
    expect(all.filter((i) => i.document !== null && (fillers.has(i.document.key) || Number(i.document.key.slice(4)) >= 1_000_000))).toEqual([]);
  });

  it('publishes a baseline first for every document, and no duplicate ids', () => {
    const all = store.items().items.reverse();
    const firsts = new Map<string, string>();
    for (const item of all) if (item.document && !firsts.has(item.document.key)) firsts.set(item.document.key, item.event);
    expect([...firsts.values()].every((e) => e === 'baseline' || e === 'new-project')).toBe(true);
    expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
  });

  it('never lets the scope (abstract) reach the database or a published file', () => {
    const files = [databasePath(dataDir), ...readdirSync(join(dataDir, 'public')).map((f) => join(dataDir, 'public', f))];
    for (const file of files) expect(readFileSync(file).includes('SCOPE-SENTINEL'), file).toBe(false);
  });
});
