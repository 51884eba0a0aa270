import { afterAll, beforeAll, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as cheerio from 'cheerio';
import type { Config } from '../src/config/index.js';
import type { Store } from '../src/store/store.js';
import { databasePath } from '../src/runtime/open-runtime.js';
import { changesFileSchema, type Item } from '../src/model/item.js';
import { startHarness, type Harness } from './harness.js';
import { describeWithFixtures, fixturePath, readFixture } from './fixtures.js';
import { itWithClient, missingFeedparser, missingExecutable, runFeedparser, runXmllint, XMLLINT } from './clients.js';

// A user's refresh, offline: a local server on 127.0.0.1 serves recorded iso.org pages at iso.org's
// paths; each round swaps in the next recording and refreshes. The published items must tell what
// ../shared/fixtures/README.md says really happened, once each, baseline first.

interface Sequence {
  source: string;
  path: string;
  files: string[];
  /** Expected [event, severity] per recording; null where nothing really changed. */
  expected: Array<[string, string] | null>;
}

const SEQUENCES: Sequence[] = [
  {
    source: 'iso_22934',
    path: '/standard/74197.html',
    files: ['iso-74197-2020-11-02', 'iso-74197-2021-02-11', 'iso-74197-2021-03-18', 'iso-74197-2021-04-29', 'iso-74197-2021-05-14', 'iso-74197-2021-07-28'],
    expected: [
      ['baseline', 'baseline'],
      ['fdis', 'major'],
      ['fdis', 'major'],
      ['under-publication', 'major'],
      ['publication-date', 'info'],
      ['published', 'major'],
    ],
  },
  {
    source: 'iso_14460',
    path: '/standard/85870.html',
    files: ['iso-85870-2022-12-01', 'iso-85870-2023-02-03', 'iso-85870-2023-04-30', 'iso-85870-2023-07-11'],
    expected: [
      ['baseline', 'baseline'],
      ['dis-ballot', 'major'],
      ['draft-progress', 'minor'],
      ['draft-progress', 'minor'],
    ],
  },
  {
    source: 'iso_19157_2',
    path: '/standard/66197.html',
    files: ['iso-66197-2021-08-23', 'iso-66197-2023-05-11', 'iso-66197-2023-09-11', 'iso-66197-2023-10-14'],
    expected: [
      ['baseline', 'baseline'],
      ['review-started', 'info'],
      ['review-closed', 'info'],
      ['confirmed', 'minor'],
    ],
  },
  {
    source: 'iso_19115_1',
    path: '/standard/53798.html',
    files: [
      'iso-53798-2022-12-01',
      'iso-53798-2023-10-19',
      'iso-53798-2023-12-15',
      'iso-53798-2024-01-07',
      'iso-53798-2024-02-02',
      'iso-53798-2024-02-02-192503',
    ],
    expected: [['baseline', 'baseline'], null, null, null, null, null],
  },
  {
    source: 'iso_19115_3_ts',
    path: '/standard/32579.html',
    files: ['iso-32579-2020-01-21', 'iso-32579-2020-10-30', 'iso-32579-2021-08-23', 'iso-32579-2023-07-15', 'iso-32579-2023-09-02'],
    expected: [
      ['baseline', 'baseline'],
      ['revision-registered', 'major'],
      ['draft-progress', 'minor'],
      ['draft-progress', 'minor'],
      ['new-edition', 'critical'],
    ],
  },
];

const ROUNDS = Math.max(...SEQUENCES.map((s) => s.files.length));

describeWithFixtures('refresh end to end against recorded pages on 127.0.0.1', () => {
  let h: Harness;
  let dataDir: string;
  let store: Store;
  let config: Config;
  const created: Item[][] = [];

  beforeAll(async () => {
    h = await startHarness('e2e', (origin) => SEQUENCES.map((s) => ({ id: s.source, watcher: 'iso-page', url: `${origin}${s.path}` })));
    ({ dataDir, store, config } = h);
  });

  afterAll(async () => h?.close());

  async function runRound(round: number): Promise<Item[]> {
    for (const s of SEQUENCES) {
      const file = s.files[Math.min(round, s.files.length - 1)]!;
      h.server.routes.set(s.path, { file: fixturePath('iso-pages', `${file}.html`) });
    }
    const { result, added } = await h.refreshAt(new Date(Date.UTC(2026, 0, 1 + round, 6, 0, 0)));
    expect(result.outcomes.map((o) => [o.sourceId, o.verdict === 'changed' || o.verdict === 'unchanged'])).toEqual(SEQUENCES.map((s) => [s.source, true]));
    return added;
  }

  it('publishes each real change once, with the event and severity of spec/severity.md', async () => {
    for (let round = 0; round < ROUNDS; round++) created.push(await runRound(round));
    for (const s of SEQUENCES) {
      const seen = created.map((items) => {
        const item = items.find((i) => i.source === s.source);
        return item === undefined ? null : [item.event, item.severity];
      });
      const want = Array.from({ length: ROUNDS }, (_, round) => (round < s.expected.length ? s.expected[round]! : null));
      expect(seen, s.source).toEqual(want);
    }
    const ids = created.flat().map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('adds nothing and rewrites nothing when the same pages are refreshed again', async () => {
    const publicDir = join(dataDir, 'public');
    const snapshot = new Map(
      readdirSync(publicDir)
        .filter((f) => f !== 'sources.json')
        .map((f) => [f, readFileSync(join(publicDir, f))]),
    );
    const mtimes = new Map([...snapshot.keys()].map((f) => [f, statSync(join(publicDir, f)).mtimeMs]));
    const items = await runRound(ROUNDS);
    expect(items).toEqual([]);
    for (const [file, bytes] of snapshot) {
      expect(readFileSync(join(publicDir, file)).equals(bytes), file).toBe(true);
      expect(statSync(join(publicDir, file)).mtimeMs, file).toBe(mtimes.get(file));
    }
  });

  it('publishes a changes.json that validates, newest first, with provenance and licence', () => {
    const file = changesFileSchema.parse(JSON.parse(readFileSync(join(dataDir, 'public', 'changes.json'), 'utf8')));
    const all = created.flat();
    expect(file.items.length).toBe(all.length);
    const published = file.items.find((i) => i.source === 'iso_22934' && i.event === 'published')!;
    expect(published.summary).toBe('ISO 22934:2021: published [60.60], was under publication [60.00]; also pages 4, was none');
    expect(published.alsoEvents).toEqual(['pages-changed']);
    // the effective date is the page's meta[name=pubdate] (iso-74197-2021-07-28: 20210531)
    expect([published.effectiveDate, published.effectiveDateKind]).toEqual(['2021-05-31', 'stage-date']);
    expect(published.provenance).toMatchObject({ httpStatus: 200, watcher: 'iso-page' });
    expect(published.provenance.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(published.licence.tag).toBe('proprietary-metadata-only');
    expect(published.changes).toContainEqual({ field: 'stage', before: '60.00', after: '60.60' });
    expect(published.changes).toContainEqual({ field: 'reference', before: 'ISO 22934', after: 'ISO 22934:2021' });
    // baseline first, per document
    for (const s of SEQUENCES) {
      const mine = file.items.filter((i) => i.source === s.source).reverse();
      expect(mine[0]!.event).toBe('baseline');
    }
  });

  it('never lets an abstract reach the database or a published file', () => {
    const haystacks = [readFileSync(databasePath(dataDir)).toString('utf8')];
    for (const f of readdirSync(join(dataDir, 'public'))) haystacks.push(readFileSync(join(dataDir, 'public', f), 'utf8'));
    for (const s of SEQUENCES) {
      for (const file of s.files) {
        const $ = cheerio.load(readFixture('iso-pages', `${file}.html`));
        const abstract = $('div[itemprop=description]').text().replace(/\s+/g, ' ').trim();
        const sentences = abstract
          .split(/(?<=\.)\s+/)
          .filter((x) => x.length > 30)
          .slice(0, 3);
        for (const sentence of sentences) {
          for (const hay of haystacks) expect(hay.includes(sentence), `${file}: "${sentence.slice(0, 40)}…"`).toBe(false);
        }
      }
    }
  });

  itWithClient('the published feed.xml is read by python3-feedparser without complaint', missingFeedparser(), () => {
    const parsed = runFeedparser(join(dataDir, 'public', 'feed.xml'));
    expect(parsed.bozo, parsed.bozoException ?? '').toBe(false);
    expect(parsed.entries.length).toBe(Math.min(config.feedItems, created.flat().length));
    expect(parsed.entries[0]!.id).toBe(store.items({ limit: 1 }).items[0]!.id);
    expect(parsed.entries.find((e) => e.id.includes('iso:74197') && e.title.includes('published'))!.tags.map((t) => t.term)).toContain('major');
  });

  itWithClient('the published feeds pass xmllint', missingExecutable(XMLLINT), () => {
    for (const file of ['feed.xml', 'feed.atom']) expect(runXmllint(join(dataDir, 'public', file)), file).toEqual({ status: 0, stderr: '' });
  });
});
