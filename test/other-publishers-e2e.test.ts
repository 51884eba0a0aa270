import { afterAll, beforeAll, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'cheerio';
import type { Item } from '../src/model/item.js';
import { databasePath } from '../src/runtime/open-runtime.js';
import { startHarness, type Harness } from './harness.js';
import { describeWithFixtures, FIXTURES_DIR, fixturePath, itHasRows } from './fixtures.js';

// IEC webstore pages and histories and CEN-CENELEC project pages through the whole pipeline: each
// recorded history of ../shared/fixtures/{iec,cen} is served from 127.0.0.1 file by file at the
// path it was recorded from, one refresh per file, and the items published are the README's
// "what really changed" tables, in spec/severity.md's words — nothing on noise and markup eras.

interface Row {
  group: string;
  file: string;
  dir: string;
  url: string;
  recorded: string;
  abstract?: boolean;
}

const manifestOf = (dir: string): Row[] => {
  const path = join(FIXTURES_DIR, dir, 'manifest.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Row[]).map((row) => ({ ...row, dir })) : [];
};

/** The recorded URL's path and query, served on the loopback origin under a prefix of its own. */
const localUrl = (origin: string, prefix: string, recorded: string) => {
  const url = new URL(recorded);
  return { path: `/${prefix}${url.pathname}`, url: `${origin}/${prefix}${url.pathname}${url.search}` };
};

/**
 * file → the items its refresh published, as `event severity`. Every file is served at the path of
 * the source's URL (the first recording's): a site that moved its pages (CEN's /dyn → /ords) is still
 * one watch of one project.
 */
async function replayGroup(h: Harness, rows: Row[], sourceId: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const { path } = localUrl(h.server.origin, sourceId, rows[0]!.url);
  for (const row of rows) {
    h.server.routes.set(path, {
      file: fixturePath(row.dir, row.file),
      headers: { 'content-type': row.file.endsWith('.xml') ? 'text/xml; charset=utf-8' : 'text/html; charset=utf-8' },
    });
    const { result, added } = await h.refreshAt(row.recorded.replace(' ', 'T'));
    const outcome = result.outcomes.find((o) => o.sourceId === sourceId)!;
    out.set(row.file, [
      ...(outcome.verdict === 'changed' || outcome.verdict === 'unchanged' ? [] : [outcome.verdict]),
      ...added
        .filter((item) => item.source === sourceId || item.alsoSeenBy.some((s) => s.source === sourceId))
        .map((item: Item) => `${item.event} ${item.severity}`),
    ]);
  }
  return out;
}

const groups: Array<{ dir: 'iec' | 'cen'; group: string; expected: Record<string, string[]> }> = [
  // IEC 80000-13:2008: yearly stability bumps; a sibling's new edition in the related box is no change
  {
    dir: 'iec',
    group: 'iec:7479',
    expected: {
      'iec-pub-7479-2019-11-27.html': ['baseline baseline'],
      'iec-pub-7479-2020-10-28.html': ['stability-date-changed minor'],
      'iec-pub-7479-2020-11-24.html': ['stability-date-changed minor'],
      'iec-pub-7479-2022-01-28.html': ['stability-date-changed minor'],
      'iec-pub-7479-2022-12-21.html': ['stability-date-changed minor'],
    },
  },
  // IEC 60050-103: the title gains "(IEV)"; the related box gains and drops amendments (no change)
  { dir: 'iec', group: 'iec:161', expected: { 'iec-pub-161-2018-09-18.html': ['baseline baseline'], 'iec-pub-161-2019-09-19.html': ['title-changed minor'] } },
  { dir: 'iec', group: 'iec:197', expected: { 'iec-pub-197-2020-12-17.html': ['baseline baseline'] } },
  // the history: AMD3 of IEC 60050-102 being published, then published
  {
    dir: 'iec',
    group: 'iec-history:160',
    expected: {
      'iec-history-160-2020-10-28.xml': ['baseline baseline'],
      'iec-history-160-2021-03-19.xml': ['under-publication major'],
      'iec-history-160-2021-05-17.xml': ['amendment-published major'],
    },
  },
  // the old history URL answers a 200 "Not Found" page (source health), then AMD4 BPUB → published
  {
    dir: 'iec',
    group: 'iec-history:161',
    expected: {
      'iec-history-161-2018-09-18.xml': ['baseline baseline'],
      'iec-history-161-2019-09-19.html': ['unreadable'],
      'iec-history-161-2020-10-28.xml': ['amendment-published major'],
      'iec-history-161-2021-08-26.xml': ['under-publication major'],
      'iec-history-161-2021-10-06.xml': ['amendment-published major'],
    },
  },
  // a new edition of IEC 60050-395 through IEC's committee stages; a 503 inside a 200 is source health
  {
    dir: 'iec',
    group: 'iec-history:197',
    expected: {
      'iec-history-197-2020-12-17.xml': ['baseline baseline'],
      'iec-history-197-2021-01-22.xml': ['draft-progress minor'],
      'iec-history-197-2021-05-17.xml': ['draft-progress minor'],
      'iec-history-197-2021-05-31.xml': ['unreadable'],
      'iec-history-197-2021-08-26.xml': ['draft-progress minor'],
    },
  },
  { dir: 'iec', group: 'iec-history:67782', expected: { 'iec-history-67782-2021-01-24.xml': ['baseline baseline'] } },
  // CWA 14050-21: withdrawn, then its committee disbanded
  {
    dir: 'cen',
    group: 'cen:20626',
    expected: {
      'cen-20626-2023-10-29.html': ['baseline baseline'],
      'cen-20626-2026-06-26.html': ['withdrawn critical'],
      'cen-20626-2026-07-03.html': ['committee-changed minor'],
    },
  },
  // EN 10160:1999 gains a successor project, whose reference then moves on (the same project)
  {
    dir: 'cen',
    group: 'cen:19677',
    expected: {
      'cen-19677-2021-05-21.html': ['baseline baseline'],
      'cen-19677-2024-12-11.html': ['new-edition critical'],
      'cen-19677-2025-12-15.html': ['draft-progress minor'],
    },
  },
  { dir: 'cen', group: 'cen:59457', expected: { 'cen-59457-2021-11-22.html': ['baseline baseline'], 'cen-59457-2025-12-15.html': ['new-edition critical'] } },
  // every markup step C1 → C2 → C3 (both serialisations) with no metadata change
  { dir: 'cen', group: 'cen:68120', expected: { 'cen-68120-2021-05-20.html': ['baseline baseline'] } },
];

describeWithFixtures('IEC and CEN recorded histories through refresh', () => {
  const published = new Map<string, Map<string, string[]>>();
  const rowsOf = (dir: string, group: string) => manifestOf(dir).filter((row) => row.group === group);

  beforeAll(async () => {
    // Each history is its own watch: a fresh data folder, one source, its files in recording order.
    for (const { dir, group } of groups) {
      const id = group.replace(/[^a-z0-9]+/g, '_');
      const rows = rowsOf(dir, group);
      const h = await startHarness(id, (origin) => [
        { id, watcher: dir === 'iec' ? 'iec-webstore' : 'cen-project', url: localUrl(origin, id, rows[0]!.url).url },
      ]);
      try {
        published.set(group, await replayGroup(h, rows, id));
      } finally {
        await h.close();
      }
    }
  }, 240_000);

  it.each(groups.map((g) => [g.group, g] as const))('%s publishes what really changed, and nothing on noise', (_group, { dir, group, expected }) => {
    const rows = rowsOf(dir, group);
    expect(rows.length).toBeGreaterThanOrEqual(Object.keys(expected).length);
    const got = Object.fromEntries([...published.get(group)!].filter(([, items]) => items.length > 0));
    expect(got).toEqual(expected);
  });
});

describeWithFixtures('no abstract of an IEC or CEN page reaches the database or public/', () => {
  let h: Harness;
  const rows = [...manifestOf('iec'), ...manifestOf('cen')].filter((row) => row.abstract === true);
  itHasRows('IEC and CEN pages that show an abstract', rows, 60);

  beforeAll(async () => {
    h = await startHarness('publisher-abstracts', (origin) =>
      rows.map((row, i) => ({ id: `page_${i}`, watcher: row.dir === 'iec' ? 'iec-webstore' : 'cen-project', url: localUrl(origin, `p${i}`, row.url).url })),
    );
    rows.forEach((row, i) => h.server.routes.set(localUrl(h.server.origin, `p${i}`, row.url).path, { file: fixturePath(row.dir, row.file) }));
    const { result } = await h.refreshAt('2026-03-01T06:00:00.000Z');
    expect(result.outcomes.filter((o) => o.verdict !== 'changed').map((o) => `${o.sourceId} ${o.verdict} ${o.detail}`)).toEqual([]);
  }, 120_000);

  afterAll(async () => h?.close());

  it('checks sentences of every recorded abstract', () => {
    const haystacks = [databasePath(h.dataDir), `${databasePath(h.dataDir)}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('utf8'));
    for (const file of readdirSync(join(h.dataDir, 'public'))) haystacks.push(readFileSync(join(h.dataDir, 'public', file), 'utf8'));
    let checked = 0;
    for (const row of rows) {
      for (const sentence of abstractSentences(row)) {
        checked += 1;
        for (const hay of haystacks) expect(hay.includes(sentence), `${row.file}: "${sentence.slice(0, 50)}…"`).toBe(false);
      }
    }
    expect(checked).toBeGreaterThan(rows.length);
  });
});

/** A few long sentences of the page's abstract, read as a person would: IEC's description block, CEN's "Abstract/Scope" row. */
function abstractSentences(row: Row): string[] {
  const $ = load(readFileSync(fixturePath(row.dir, row.file), 'utf8'));
  const text =
    row.dir === 'iec'
      ? $('div[itemprop=description]').text()
      : $('th')
          .filter((_, th) => /abstract\s*\/\s*scope/i.test($(th).text()))
          .first()
          .next('td')
          .text();
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.;:])\s+/)
    .map((x) => x.trim())
    .filter((x) => x.length >= 40)
    .slice(0, 3);
}
