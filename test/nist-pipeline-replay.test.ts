import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Item } from '../src/model/item.js';
import { keyOfIdentifier } from '../watchers/nist-csrc/identifier.js';
import { describeWithFixtures } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';
import { expectedDocumentDays, loadNistReplay, replaySteps, zipPath, type DocumentDay, type NistReplay } from './helpers/nist-replay.js';

// The CSRC replay (../shared/fixtures/nist/pubs-export/expected.json) through the whole pipeline, like
// the SC 42 replay: each recorded export is served from 127.0.0.1 at the feed's path, one refresh a
// day (each era a fresh data folder), and the published items are compared with the replay key
// (test/helpers/nist-replay.ts maps its per-record labels onto per-document spec events). Every
// expected transition is published once, on its day; noise days and the partial export publish nothing.

const FEED_PATH = '/CSRC/media/feeds/metanorma/pubs-export.zip';

describeWithFixtures('CSRC replay through refresh: one export a day, one item per document event', () => {
  let replay: NistReplay;
  let expected: Map<string, Map<string, DocumentDay>>;
  const harnesses: Harness[] = [];
  const itemsByDay = new Map<string, Item[]>();
  const verdicts = new Map<string, string>();

  beforeAll(async () => {
    replay = loadNistReplay();
    const watched = replay.watch.developer;
    expected = expectedDocumentDays(replay, watched);
    let h: Harness | undefined;
    for (const { day, previous } of replaySteps(replay)) {
      if (previous === null) {
        h = await startHarness(`nist-${day.era}`, (origin) => [{ id: 'nist_csrc', watcher: 'nist-csrc', url: `${origin}${FEED_PATH}`, documents: watched }]);
        harnesses.push(h);
      }
      h!.server.routes.set(FEED_PATH, { file: zipPath(day.file), headers: { 'content-type': 'application/zip', etag: `"${day.label}"` } });
      const { result, added } = await h!.refreshAt(day.recorded.replace(' ', 'T'));
      verdicts.set(day.label, `${result.outcomes[0]!.verdict}${result.outcomes[0]!.detail ? `: ${result.outcomes[0]!.detail}` : ''}`);
      itemsByDay.set(day.label, added);
      if (day.label === '2023-01-14') {
        // The partial export of 2023-08-19 came between two recorded days of the era-1 run: served
        // once, it must be source health, and the next day must not look like hundreds of changes.
        const anomaly = replay.anomalies[0]!;
        h!.server.routes.set(FEED_PATH, { file: zipPath(anomaly.file), headers: { 'content-type': 'application/zip', etag: `"${anomaly.day}"` } });
        const partial = await h!.refreshAt(`${anomaly.day}T12:00:00.000Z`);
        verdicts.set(anomaly.day, `${partial.result.outcomes[0]!.verdict}: ${partial.result.outcomes[0]!.detail}`);
        itemsByDay.set(anomaly.day, partial.added);
        h!.server.routes.set(FEED_PATH, { file: zipPath(day.file), headers: { 'content-type': 'application/zip', etag: `"${day.label} again"` } });
        const whole = await h!.refreshAt(`${anomaly.day}T18:00:00.000Z`);
        verdicts.set('after the partial export', whole.result.outcomes[0]!.verdict);
        itemsByDay.set('after the partial export', whole.added);
      }
    }
  }, 300_000);

  afterAll(async () => {
    for (const h of harnesses) await h.close();
  });

  it('checks every day cleanly, and the partial export is unreadable with nothing published', () => {
    const failed = [...verdicts].filter(([day, verdict]) => day !== '2023-08-19' && !/^(changed|unchanged)/.test(verdict));
    expect(failed).toEqual([]);
    expect(verdicts.get('2023-08-19')).toMatch(/^unreadable: extract: nist-csrc: partial export: 37 records/);
    expect(itemsByDay.get('2023-08-19')).toEqual([]);
    // the whole export back the same day: nothing moved, nothing published
    expect(verdicts.get('after the partial export')).toBe('unchanged');
    expect(itemsByDay.get('after the partial export')).toEqual([]);
  });

  it('publishes each document event of the replay once, on its day, with the spec event and severity, and nothing else', () => {
    const mismatches: string[] = [];
    let published = 0;
    for (const { day } of replaySteps(replay)) {
      const want = expected.get(day.label) ?? new Map<string, DocumentDay>();
      const got = itemsByDay.get(day.label)!;
      const gotByKey = new Map(got.map((item) => [item.document!.key, item]));
      if (gotByKey.size !== got.length) mismatches.push(`${day.label}: two items for one document`);
      for (const key of new Set([...want.keys(), ...gotByKey.keys()])) {
        const lead = want.get(key)?.lead ?? null;
        const item = gotByKey.get(key);
        const mine = item === undefined ? 'nothing' : `${item.event} ${item.severity}`;
        const wanted = lead === null ? 'nothing' : `${lead.event} ${lead.severity}`;
        if (mine !== wanted) mismatches.push(`${day.label} ${key}: expected ${wanted}, published ${mine}`);
        if (item !== undefined) published += 1;
      }
    }
    expect(mismatches).toEqual([]);
    // 30 baselines (3 + 14 documents on the eras' first days … counted per document) and 41 events
    expect(published).toBe(3 + 14 + 41);
  });

  it('publishes nothing on the noise days (zips re-made around identical JSON)', () => {
    for (const noise of replay.noise_days) expect(itemsByDay.get(noise.day), noise.day).toEqual([]);
  });

  it("carries NIST's licence and words, and links each publication", () => {
    const released = itemsByDay.get('2024-05-11')!.find((item) => item.document?.key === keyOfIdentifier('SP 800-218A'))!;
    expect(released).toMatchObject({
      event: 'draft-released',
      severity: 'minor',
      summary: 'SP 800-218A: initial public draft released 2024-04-29, comments until 2024-06-02, was not listed',
      // the date NIST gives the draft, labelled, beside the day it was seen (spec, composing rule 6)
      effectiveDate: '2024-04-29',
      effectiveDateKind: 'publication-date',
      licence: { tag: 'public-domain', attribution: 'Source: NIST' },
      document: { key: 'nist:SP.800-218A', reference: 'SP 800-218A', url: 'https://csrc.nist.gov/pubs/sp/800/218/a/final' },
      provenance: { watcher: 'nist-csrc', httpStatus: 200 },
    });
  });
});
