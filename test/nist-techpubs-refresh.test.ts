import { afterAll, beforeAll, expect, it } from 'vitest';
import { join } from 'node:path';
import { describeWithFixtures, FIXTURES_DIR } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

// NIST-Tech-Pubs' AI series list through refresh, commit by commit: every draft released and final
// published is composed into an item and published, those NIST dates by the year alone included
// (an effective date of "2023" once failed the item schema: refresh said "changed", published nothing).

const LIST = '/NIST-Tech-Pubs/AI.html';
const COMMITS = ['2023-02-13', '2023-02-13-223453', '2023-06-26', '2023-12-08', '2024-03-13'];

describeWithFixtures('nist-techpubs through refresh', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('techpubs', (origin) => [
      { id: 'nist_ai', watcher: 'nist-techpubs', url: `${origin}${LIST}`, documents: ['NIST AI 100-1', 'NIST AI 100-2e2023', 'NIST AI 100-3'] },
    ]);
  });
  afterAll(async () => h?.close());

  it('publishes each draft released and final published once, dated as NIST dates it, and refuses no item', async () => {
    const published: string[][] = [];
    for (const [i, commit] of COMMITS.entries()) {
      h.server.routes.set(LIST, { file: join(FIXTURES_DIR, 'nist', 'techpubs', `nist-techpubs-ai-list-${commit}.html`) });
      const { result, added } = await h.refreshAt(new Date(Date.UTC(2024, 0, 1 + i)));
      expect(result.refused, commit).toEqual([]);
      published.push(...added.map((item) => [commit, item.document!.key, item.event, item.severity, String(item.effectiveDate)]));
    }
    // `added` is newest first: within a run, AI 100-3 was filed after AI 100-2e2023.
    expect(published.filter(([, , event]) => event !== 'baseline')).toEqual([
      ['2023-06-26', 'nist:AI.100-3', 'final-published', 'major', '2023'],
      ['2023-06-26', 'nist:AI.100-2e2023', 'draft-released', 'minor', '2023'],
      ['2024-03-13', 'nist:AI.100-2e2023', 'final-published', 'major', '2024'],
    ]);
    expect(h.store.items().items.length).toBe(published.length);
  });
});

describeWithFixtures('nist-techpubs following a whole series', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('techpubs-series', (origin) => [{ id: 'nist_ai', watcher: 'nist-techpubs', url: `${origin}${LIST}` }]);
  });
  afterAll(async () => h?.close());

  it('says a publication new in the series is newly listed: a NIST series has no committee', async () => {
    const summaries: string[] = [];
    for (const [i, commit] of COMMITS.entries()) {
      h.server.routes.set(LIST, { file: join(FIXTURES_DIR, 'nist', 'techpubs', `nist-techpubs-ai-list-${commit}.html`) });
      const { added } = await h.refreshAt(new Date(Date.UTC(2024, 0, 1 + i)));
      summaries.push(...added.filter((item) => item.event === 'new-project').map((item) => item.summary));
    }
    expect(summaries.length).toBeGreaterThan(0);
    for (const summary of summaries) expect(summary).toMatch(/^NIST AI [^:]+: newly listed, /);
  });
});
