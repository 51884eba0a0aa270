import { beforeAll, expect, it } from 'vitest';
import type { DocumentRecord } from '../src/model/record.js';
import type { Finding } from '../src/model/rule.js';
import { extractCsrc } from '../watchers/nist-csrc/index.js';
import { keyOfIdentifier } from '../watchers/nist-csrc/identifier.js';
import { classify, NIST_RULES, unlistedRecord } from '../watchers/nist-csrc/rules.js';
import { readZipEntry } from '../watchers/nist-csrc/zip.js';
import { describeWithFixtures } from './fixtures.js';
import { expectedDocumentDays, loadNistReplay, REPLAY_EVENT_TABLE, replaySteps, zipPath, type DocumentDay, type NistReplay } from './helpers/nist-replay.js';

// The CSRC replay at the watcher level (../shared/fixtures/nist/pubs-export/expected.json): each
// recorded export in order, extracted with the watch list `watch.developer`, compared with the day
// before (a key-by-key equality says "changed or not"), the changed ones classified by the NIST
// rules. expected.json lists transitions per CSRC record with its own labels; helpers/nist-replay.ts
// holds the table that maps them onto spec/severity.md's events per document, and the day walk, so
// the pipeline replay can reuse both.

/** Field order never matters; anything else that differs is a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

interface Observed {
  /** Null on an era's first day. */
  before: DocumentRecord | null;
  after: DocumentRecord;
  changed: boolean;
  findings: Finding[];
}

describeWithFixtures('CSRC replay: one export per day through the nist-csrc watcher', () => {
  let replay: NistReplay;
  let expected: Map<string, Map<string, DocumentDay>>;
  let watchedKeys: Set<string>;
  /** day → key → what the watcher and the rules made of it */
  const observed = new Map<string, Map<string, Observed>>();
  const vanished: string[] = [];

  beforeAll(async () => {
    replay = loadNistReplay();
    const watched = replay.watch.developer;
    watchedKeys = new Set(watched.map((w) => keyOfIdentifier(w)!));
    expected = expectedDocumentDays(replay, watched);
    let previous = new Map<string, DocumentRecord>();
    for (const { day, previous: dayBefore } of replaySteps(replay)) {
      if (dayBefore === null) previous = new Map(); // a new era is a fresh run
      const outcome = await extractCsrc(zipPath(day.file), {
        url: 'https://csrc.nist.gov/CSRC/media/feeds/metanorma/pubs-export.zip',
        options: { documents: watched },
        knownKeys: new Set(previous.keys()),
        scope: { keys: [], groups: [] },
      });
      if (outcome.kind !== 'records') throw new Error(`${day.label}: ${outcome.kind}: ${outcome.reason}`);
      const today = new Map(outcome.records.map((r) => [r.key, r]));
      const seen = new Map<string, Observed>();
      for (const [key, after] of today) {
        if (dayBefore === null) {
          seen.set(key, { before: null, after, changed: true, findings: [] });
          continue;
        }
        // a followed publication CSRC lists for the first time is classified against "not listed"
        const before = previous.get(key) ?? unlistedRecord(key);
        const changed = canonical(before) !== canonical(after);
        const findings = changed
          ? classify(NIST_RULES, {
              before,
              after,
              changes: [],
              context: { requirements: false, watchedKeys, requirementsKeys: new Set(), requirementsReferences: new Set(), family: null },
            })
          : [];
        seen.set(key, { before, after, changed, findings });
      }
      for (const key of previous.keys()) if (!today.has(key)) vanished.push(`${day.label} ${key}`);
      observed.set(day.label, seen);
      previous = today;
    }
  }, 120_000);

  it('walks the replay as recorded: 60 days (28 + 32), 126 transitions, 30 baselines, 4 noise days, 1 anomaly', () => {
    expect(replay.days).toHaveLength(60);
    expect(replay.days.filter((d) => d.era === 'era1')).toHaveLength(28);
    expect(replay.days.filter((d) => d.era === 'era2')).toHaveLength(32);
    expect(replay.transitions).toHaveLength(126);
    expect(replay.transitions.filter((t) => t.event === 'baseline')).toHaveLength(30);
    expect(replay.noise_days).toHaveLength(4);
    expect(replay.anomalies.map((a) => a.day)).toEqual(['2023-08-19']);
    expect(replay.days.map((d) => d.label)).not.toContain('2023-08-19');
    expect(
      replaySteps(replay)
        .filter((s) => s.previous === null)
        .map((s) => s.day.label),
    ).toEqual(['2019-06-25', '2023-09-02']);
  });

  it('unzips each day to the JSON the replay recorded (SHA-256 of the JSON, not of the zip)', async () => {
    for (const day of replay.days) {
      const entry = await readZipEntry(zipPath(day.file), 'pubs-export.json', { maxBytes: 50_000_000, maxRatio: 100 });
      expect(entry.kind === 'entry' && entry.sha256, day.label).toBe(day.jsonSha256);
    }
  });

  it('has a mapping for every label of the replay', () => {
    const labels = new Set(replay.transitions.map((t) => t.event));
    for (const label of labels) expect(REPLAY_EVENT_TABLE, label).toHaveProperty(label);
  });

  it('baselines exactly the publications of each era’s first day', () => {
    for (const first of ['2019-06-25', '2023-09-02']) {
      const want = [
        ...new Set(replay.transitions.filter((t) => t.day === first && t.event === 'baseline').map((t) => keyOfIdentifier(t.docidentifier)!)),
      ].sort();
      expect([...observed.get(first)!.keys()].sort(), first).toEqual(want);
    }
    expect([...observed.get('2019-06-25')!.keys()]).toHaveLength(3);
    expect([...observed.get('2023-09-02')!.keys()]).toHaveLength(14);
  });

  it('gives each document the expected event on its day (the strongest of its record transitions), and nothing anywhere else', () => {
    const mismatches: string[] = [];
    let events = 0;
    let quiet = 0;
    for (const step of replaySteps(replay)) {
      if (step.previous === null) continue;
      const day = step.day.label;
      const want = expected.get(day) ?? new Map<string, DocumentDay>();
      const got = observed.get(day)!;
      for (const key of new Set([...want.keys(), ...got.keys()])) {
        const doc = want.get(key);
        const seen = got.get(key);
        const lead = seen?.findings[0];
        const mine = lead === undefined ? 'nothing' : `${lead.event} ${lead.severity}`;
        if (doc === undefined) {
          // no transition of any of its records that day: the record itself must not have changed
          if (seen?.changed) mismatches.push(`${day} ${key}: record changed without a transition (${mine})`);
          continue;
        }
        if (doc.lead === null) {
          quiet += 1;
          if (lead !== undefined) mismatches.push(`${day} ${key}: expected no event (${doc.transitions.map((t) => t.event).join(', ')}), got ${mine}`);
          continue;
        }
        events += 1;
        const wanted = `${doc.lead.event} ${doc.lead.severity}`;
        if (mine !== wanted) mismatches.push(`${day} ${key}: expected ${wanted}, got ${mine}`);
      }
    }
    expect(mismatches).toEqual([]);
    // 55 document-days with transitions: 41 with an event, 14 where every transition is folded or noise
    expect({ events, quiet }).toEqual({ events: 41, quiet: 14 });
  });

  it('accounts for every transition: each maps to one event of its document that day, or is folded with a reason', () => {
    let mapped = 0;
    let folded = 0;
    let baselines = 0;
    for (const [day, docs] of expected) {
      for (const doc of docs.values()) {
        doc.transitions.forEach((t, i) => {
          const event = doc.mapped[i];
          if (t.event === 'baseline') {
            baselines += 1;
            expect(observed.get(day)!.get(doc.key)?.before, `${day} ${doc.key}`).toBeNull();
            return;
          }
          if (event === null) {
            folded += 1;
            return;
          }
          mapped += 1;
          const findings = observed.get(day)!.get(doc.key)?.findings ?? [];
          expect(
            findings.map((f) => f.event),
            `${day} ${doc.key} ${t.event} ${t.id}`,
          ).toContain(event!.event);
        });
      }
    }
    expect({ baselines, mapped, folded, total: baselines + mapped + folded }).toEqual({ baselines: 30, mapped: 41, folded: 55, total: 126 });
    // one document event per document and day: exactly one of its transitions carries it
    for (const docs of expected.values()) {
      for (const doc of docs.values())
        if (doc.lead !== null && doc.lead.event !== 'baseline')
          expect(
            doc.mapped.filter((e) => e !== null),
            `${doc.day} ${doc.key}`,
          ).toHaveLength(1);
    }
  });

  it('changes nothing on the noise days (zips re-made around identical JSON)', () => {
    for (const noise of replay.noise_days) {
      const day = observed.get(noise.day)!;
      expect(
        [...day.values()].filter((o) => o.changed).map((o) => o.after.key),
        noise.day,
      ).toEqual([]);
    }
  });

  it('never loses a followed publication from one day to the next', () => {
    expect(vanished).toEqual([]);
  });

  it('keeps the partial export of 2023-08-19 out of the replay: source health, never withdrawals', async () => {
    const anomaly = replay.anomalies[0]!;
    const before = [...observed.get('2023-01-14')!.keys()];
    const outcome = await extractCsrc(zipPath(anomaly.file), {
      url: 'https://csrc.nist.gov/',
      options: { documents: replay.watch.developer },
      knownKeys: new Set(before),
      scope: { keys: [], groups: [] },
    });
    expect(outcome.kind).toBe('unreadable');
    if (outcome.kind === 'unreadable') expect(outcome.reason).toMatch(/partial export: 37 records/);
  });

  it('words its summaries as NIST does, with both dates where they differ', () => {
    const words = (day: string, key: string) =>
      observed
        .get(day)!
        .get(key)!
        .findings.map((f) => `${f.event}: ${f.words}`);
    expect(words('2024-05-11', 'nist:SP.800-218A')).toEqual([
      'draft-released: initial public draft released 2024-04-29, comments until 2024-06-02, was not listed',
    ]);
    expect(words('2024-09-23', 'nist:SP.800-218A')).toEqual(['final-published: final published 2024-07-26, was initial public draft']);
    expect(words('2026-01-15', 'nist:SP.800-218A')).toEqual(['update-published: update 1 published 2025-06-02, was final']);
    expect(words('2024-07-11', 'nist:SP.800-171r3')).toEqual([
      'final-published: final published 2024-05-14; supersedes SP 800-171 Rev. 2, was final public draft',
    ]);
    expect(words('2024-07-11', 'nist:SP.800-171r2')).toEqual(['new-edition: superseded by SP 800-171 Rev. 3 on 2024-05-14, was final (update 1)']);
    expect(words('2023-12-18', 'nist:CSWP.29')).toEqual(['comment-period-changed: comment period now ends 2023-11-06, was 2023-11-04']);
    expect(words('2024-10-15', 'nist:CSWP.31')).toEqual(['publication-date: final dated 2024-09-26, was 2023-10-31']);
  });
});
