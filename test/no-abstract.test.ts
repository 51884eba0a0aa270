import { afterAll, beforeAll, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'cheerio';
import { databasePath } from '../src/runtime/open-runtime.js';
import { startHarness, type Harness } from './harness.js';
import { describeWithFixtures, itHasRows, fixturePath, isoPageRows, readFixture } from './fixtures.js';

// The abstract on an iso.org page is ISO's copyrighted text. Every recorded page is refreshed
// through the whole pipeline; sentences of each page's abstract must appear nowhere in the
// database or in any published file.

describeWithFixtures('no abstract reaches the database or public/', () => {
  let h: Harness;
  const rows = isoPageRows();
  itHasRows('iso.org rows in manifest.json', rows, 84);

  beforeAll(async () => {
    h = await startHarness('abstract', (origin) => rows.map((row, i) => ({ id: `page_${i}`, watcher: 'iso-page', url: `${origin}/standard/${i}.html` })));
    rows.forEach((row, i) => h.server.routes.set(`/standard/${i}.html`, { file: fixturePath('iso-pages', row.file) }));
    const { result } = await h.refreshAt('2026-03-01T06:00:00.000Z');
    expect(result.outcomes.filter((o) => o.verdict !== 'changed')).toEqual([]);
  }, 120_000);

  afterAll(async () => h?.close());

  it(`checks sentences of every recorded page's abstract`, () => {
    const haystacks = [databasePath(h.dataDir), `${databasePath(h.dataDir)}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('utf8'));
    for (const file of readdirSync(join(h.dataDir, 'public'))) haystacks.push(readFileSync(join(h.dataDir, 'public', file), 'utf8'));
    let checked = 0;
    for (const row of rows) {
      const $ = load(readFixture('iso-pages', row.file));
      const abstract = $('div[itemprop=description]').text().replace(/\s+/g, ' ').trim();
      const sentences = abstract
        .split(/(?<=[.;:])\s+/)
        .map((x) => x.trim())
        .filter((x) => x.length >= 40)
        .slice(0, 3);
      for (const sentence of sentences) {
        checked += 1;
        for (const hay of haystacks) expect(hay.includes(sentence), `${row.file}: "${sentence.slice(0, 50)}…"`).toBe(false);
      }
    }
    // most recorded pages carry an abstract; a search that found none to check would prove nothing
    expect(checked).toBeGreaterThan(rows.length);
  });
});
