import { afterEach, expect, it } from 'vitest';
import type { Item } from '../src/model/item.js';
import { describeWithFixtures } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';
import { zipPath } from './helpers/nist-replay.js';

// A NIST CSRC source whose watch the user changes, on real exports: a publication or a series added
// to the watch is a first observation (baseline), never news; a followed publication the catalogue
// does not list yet is source health until it appears, and its first listing is news.

const FEED = '/CSRC/media/feeds/metanorma/pubs-export.zip';
const EXPORT_2024_10_15 = zipPath('nist-pubs-export-2024-10-15.zip');

describeWithFixtures('a NIST source whose watch changes', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const start = async (documents: string[], series?: string[]) => {
    h = await startHarness('nist-watch', (origin) => [{ id: 'nist', watcher: 'nist-csrc', url: `${origin}${FEED}`, documents, ...(series ? { series } : {}) }]);
    h.server.routes.set(FEED, { file: EXPORT_2024_10_15, headers: { 'content-type': 'application/zip' } });
    return h;
  };
  const events = (items: Item[]) => items.map((i) => [i.document?.key, i.event]).sort();

  it('baselines publications added to its documents, whatever their history holds (no "final published", no "superseded")', async () => {
    const h = await start(['SP 800-218']);
    await h.refreshAt('2024-10-15T12:00:00Z');
    h.config.sources[0]!.options.documents = ['SP 800-218', 'SP 800-53 Rev. 5', 'SP 800-53 Rev. 4'];
    const { added } = await h.refreshAt('2024-10-16T12:00:00Z');
    expect(events(added)).toEqual([
      ['nist:SP.800-53r4', 'baseline'],
      ['nist:SP.800-53r5', 'baseline'],
    ]);
  });

  it('baselines the publications of a series added to the watch, none of them a new project', async () => {
    const h = await start(['SP 800-218']);
    await h.refreshAt('2024-10-15T12:00:00Z');
    h.config.sources[0]!.options.series = ['FIPS'];
    const { added } = await h.refreshAt('2024-10-16T12:00:00Z');
    expect(added.length).toBeGreaterThan(40);
    expect(new Set(added.map((i) => i.event))).toEqual(new Set(['baseline']));
    expect(added.every((i) => i.document?.key.startsWith('nist:FIPS.'))).toBe(true);
  });

  it('reads a catalogue that does not list a followed publication yet as clean, naming it, and its first listing is news', async () => {
    const h = await start(['SP 800-218A']);
    // 2024-01-03: SP 800-218A is not in the catalogue yet (its first draft came in April 2024).
    h.server.routes.set(FEED, { file: zipPath('nist-pubs-export-2024-01-03.zip'), headers: { 'content-type': 'application/zip' } });
    const first = await h.refreshAt('2024-01-03T12:00:00Z');
    expect(first.result.outcomes[0]).toMatchObject({ verdict: 'unchanged', detail: 'not in the source: nist:SP.800-218A' });
    expect(first.added).toEqual([]);
    h.server.routes.set(FEED, { file: zipPath('nist-pubs-export-2024-05-11.zip'), headers: { 'content-type': 'application/zip' } });
    const listed = await h.refreshAt('2024-05-11T12:00:00Z');
    expect(listed.added.map((i) => [i.document?.key, i.event, i.severity])).toEqual([['nist:SP.800-218A', 'draft-released', 'minor']]);
  });
});
