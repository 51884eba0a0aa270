import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { isoPageWatcher } from '../watchers/iso-page/index.js';
import { isoOpenDataWatcher } from '../watchers/iso-opendata/index.js';
import { startHarness, type Harness } from './harness.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';
import { selectRows, writeRow } from './helpers/database-file.js';

// Issue 11: a body byte for byte the one the last clean check read, read the same way, is known:
// the check is `unchanged` with that check's words on missing documents, and the body is not
// extracted. Whatever else could change the answer (another body in between, a kind version, the
// scope, a stored baseline today's rules refuse) sends it through extract as before.

const PAGE = '/standard/53798.html';
const page = (file: string) => ({ file: fixturePath('iso-pages', file) });

describeWithFixtures('a body the last clean check read is not extracted again', () => {
  let h: Harness;
  const extract = vi.spyOn(isoPageWatcher, 'extract');
  let day = 0;
  const refresh = async () => (await h.refreshAt(new Date(Date.UTC(2026, 2, ++day, 6)))).result.outcomes[0]!;

  beforeAll(async () => {
    h = await startHarness('known-body', (origin) => [{ id: 'iso_19115_1', watcher: 'iso-page', url: `${origin}${PAGE}` }]);
  });
  afterEach(() => extract.mockClear());
  afterAll(async () => {
    extract.mockRestore();
    await h?.close();
  });

  it('the same page again: unchanged, not parsed, its sha256 recorded as before', async () => {
    h.server.routes.set(PAGE, page('iso-53798-2019-07-05.html'));
    expect(await refresh()).toMatchObject({ verdict: 'changed' });
    expect(extract).toHaveBeenCalledTimes(1);
    expect(await refresh()).toEqual({ sourceId: 'iso_19115_1', verdict: 'unchanged', detail: null, summaries: [] });
    expect(extract).toHaveBeenCalledTimes(1);
    const checks = selectRows<{ verdict: string; sha256: string; http_status: number }>(
      h.store.path,
      'SELECT verdict, sha256, http_status FROM checks ORDER BY id',
    );
    expect(checks.map((c) => c.verdict)).toEqual(['changed', 'unchanged']);
    expect(checks[1]!.sha256).toBe(checks[0]!.sha256);
    expect(checks[1]!.http_status).toBe(200);
  });

  it('another body is extracted, and so is the first one when it comes back', async () => {
    h.server.routes.set(PAGE, page('iso-53798-2019-08-13.html')); // another markup era, the same facts
    expect(await refresh()).toMatchObject({ verdict: 'unchanged' });
    h.server.routes.set(PAGE, page('iso-53798-2019-07-05.html'));
    expect(await refresh()).toMatchObject({ verdict: 'unchanged' });
    expect(extract).toHaveBeenCalledTimes(2);
  });

  it('a failed check in between leaves the last clean one standing', async () => {
    h.server.routes.set(PAGE, { status: 403, body: 'Forbidden' });
    expect(await refresh()).toMatchObject({ verdict: 'unreadable' });
    h.server.routes.set(PAGE, page('iso-53798-2019-07-05.html'));
    expect(await refresh()).toMatchObject({ verdict: 'unchanged', detail: null });
    expect(extract).not.toHaveBeenCalled();
  });

  it('another version of the kind reads the body again', async () => {
    const kind = isoPageWatcher as { version: string };
    kind.version = '1-next';
    try {
      expect(await refresh()).toMatchObject({ verdict: 'unchanged' });
      expect(extract).toHaveBeenCalledTimes(1);
    } finally {
      kind.version = '1';
    }
    expect(await refresh()).toMatchObject({ verdict: 'unchanged' }); // read by version 1 again
    expect(extract).toHaveBeenCalledTimes(2);
  });

  it('a stored baseline that today’s rules refuse: the body is read again, and the document is a first observation again, never news', async () => {
    writeRow(h.store.path, "UPDATE documents SET record_json = json_set(record_json, '$.reference', '') WHERE source_id = 'iso_19115_1'");
    const before = new Set(h.store.items().items.map((i) => i.id));
    expect(await refresh()).toMatchObject({ verdict: 'changed' });
    expect(extract).toHaveBeenCalledTimes(1);
    expect(
      h.store
        .items()
        .items.filter((i) => !before.has(i.id))
        .map((i) => [i.document?.key, i.event]),
    ).toEqual([['iso:53798', 'baseline']]);
  });
});

describeWithFixtures('a catalogue without validators, the same dump again', () => {
  const DUMP = '/opendata/iso_deliverables_metadata.jsonl';
  const extract = vi.spyOn(isoOpenDataWatcher, 'extract');
  let h: Harness;
  const refresh = async (day: number) => (await h.refreshAt(`2026-04-0${day}T06:00:00Z`)).result.outcomes[0]!;

  beforeAll(async () => {
    h = await startHarness('known-dump', (origin) => [
      { id: 'iso_catalogue', watcher: 'iso-opendata', url: `${origin}${DUMP}`, committees: [], documents: [62085, 99999] },
    ]);
    const row = readFileSync(fixturePath('iso-opendata', 'opendata-iso_deliverables_metadata-62085.json'), 'utf8').trim();
    h.server.routes.set(DUMP, { body: `${row}\n`, headers: { 'content-type': 'application/x-ndjson' } });
  });
  afterAll(async () => {
    extract.mockRestore();
    await h?.close();
  });

  it('keeps the words on what is missing, without reading the dump', async () => {
    expect(await refresh(1)).toMatchObject({ verdict: 'changed', detail: 'not in the source: iso:99999' });
    expect(await refresh(2)).toMatchObject({ verdict: 'unchanged', detail: 'not in the source: iso:99999' });
    expect(extract).toHaveBeenCalledTimes(1);
    expect(h.store.sourceState('iso_catalogue')?.lastDetail).toBe('not in the source: iso:99999');
  });

  it('reads it again once the scope moves', async () => {
    h.config.sources[0]!.options.documents = [62085];
    expect(await refresh(3)).toMatchObject({ verdict: 'unchanged', detail: null });
    expect(extract).toHaveBeenCalledTimes(2);
  });
});
