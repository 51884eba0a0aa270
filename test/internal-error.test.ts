import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';
import { cenProjectKind } from '../watchers/cen-project/index.js';

// A failure inside regwatch (here: the store refusing one write, as a full disk would) is contained
// to its source, counted against its health, and retried whole on the next refresh.

describeWithFixtures('an internal error in one source', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('internal', (origin) => [
      { id: 'a', watcher: 'iso-page', url: `${origin}/standard/85870.html` },
      { id: 'b', watcher: 'iso-page', url: `${origin}/standard/66197.html` },
    ]);
    h.server.routes.set('/standard/85870.html', { file: fixturePath('iso-pages', 'iso-85870-2022-12-01.html') });
    h.server.routes.set('/standard/66197.html', { file: fixturePath('iso-pages', 'iso-66197-2021-08-23.html') });
  });
  afterAll(async () => h?.close());

  it('does not stop the other source, is recorded on the source, and is retried whole', async () => {
    const recordCheck = h.store.recordCheck;
    let failed = false;
    h.store.recordCheck = (write) => {
      if (write.sourceId === 'a' && !failed) {
        failed = true;
        throw new Error('disk I/O error');
      }
      return recordCheck(write);
    };
    const first = await h.refreshAt('2026-04-01T06:00:00Z');
    expect(first.result.outcomes).toEqual([
      { sourceId: 'a', verdict: 'internal', detail: 'internal: disk I/O error', summaries: [] },
      expect.objectContaining({ sourceId: 'b', verdict: 'changed' }),
    ]);
    expect(first.added.map((i) => i.source)).toEqual(['b']);
    expect(h.store.sourceState('a')).toMatchObject({ consecutiveFailures: 1, lastDetail: 'internal: disk I/O error', baselined: false });

    const second = await h.refreshAt('2026-04-02T06:00:00Z');
    expect(second.result.outcomes.map((o) => [o.sourceId, o.verdict])).toEqual([
      ['a', 'changed'],
      ['b', 'unchanged'],
    ]);
    expect(second.added.map((i) => [i.source, i.event])).toEqual([['a', 'baseline']]);
  });
});

describeWithFixtures('a kind whose extract throws', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('kind-bug', (origin) => [
      { id: 'page', watcher: 'iso-page', url: `${origin}/standard/85870.html` },
      { id: 'cen', watcher: 'cen-project', url: `${origin}/dyn/www/f?p=CEN:110:0::::FSP_PROJECT,FSP_ORG_ID:20626,1` },
    ]);
    h.server.routes.set('/standard/85870.html', { file: fixturePath('iso-pages', 'iso-85870-2022-12-01.html') });
    h.server.routes.set('/dyn/www/f', { file: fixturePath('cen', 'cen-20626-2026-06-06.html') });
  });
  afterAll(async () => h?.close());

  it('is a bug: the check ends internal with its code kept, never extraction-failed, and the other source is checked', async () => {
    const extract = cenProjectKind.extract;
    cenProjectKind.extract = () => {
      throw new TypeError('cannot read properties of undefined (a bug in a kind)');
    };
    try {
      const { result } = await h.refreshAt('2026-06-06T06:00:00Z');
      expect(result.outcomes).toEqual([
        expect.objectContaining({ sourceId: 'page', verdict: 'changed' }),
        { sourceId: 'cen', verdict: 'internal', detail: 'internal: cannot read properties of undefined (a bug in a kind)', summaries: [] },
      ]);
      expect(h.store.sourceState('cen')).toMatchObject({ lastVerdict: 'internal', lastCode: 'INTERNAL', consecutiveFailures: 1 });
    } finally {
      cenProjectKind.extract = extract;
    }
    const { result } = await h.refreshAt('2026-06-07T06:00:00Z');
    expect(result.outcomes.find((o) => o.sourceId === 'cen')).toMatchObject({ verdict: 'changed' });
  });
});
