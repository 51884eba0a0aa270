import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as run } from './helpers/run-cli.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';

// `regwatch inspect --watcher <kind> <file>` for every kind of source, through the real CLI: what
// the kind reads from a recorded page or download, printed as JSON, nothing stored. A catalogue's
// own settings come from the shipped watch list when the config has no source of that kind.

describeWithFixtures('regwatch inspect, every kind', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'regwatch-inspect-kinds-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));
  const cases: Array<[string, string, unknown]> = [
    ['iso-page', fixturePath('iso-pages', 'iso-74197-2021-07-28.html'), { key: 'iso:74197', reference: 'ISO 22934:2021', stage: '60.60', phase: 'published' }],
    ['iec-webstore', fixturePath('iec', 'iec-pub-7479-2022-12-21.html'), { reference: 'IEC 80000-13:2008', status: 'published', dates: { stability: '2023' } }],
  ];

  it.each(cases)('%s reads a recorded page into a record', async (kind, file, expected) => {
    const out = await run(['inspect', '--watcher', kind, file], cwd);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject(expected as object);
  });

  it('cen-project reads a saved project page, told with --url where it came from (the project is named there)', async () => {
    const url = 'https://standards.cencenelec.eu/ords/f?p=CEN:110:::::FSP_PROJECT,FSP_ORG_ID:20626,6303&cs=1';
    const out = await run(['inspect', '--watcher', 'cen-project', '--url', url, fixturePath('cen', 'cen-20626-2026-06-26.html')], cwd);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ key: 'cen:20626', reference: 'CWA 14050-21:2000', status: 'withdrawn', stageLabel: 'Withdrawn' });
  });

  it("nist-csrc reads a recorded export with the shipped watch list's publications", async () => {
    const out = await run(['inspect', '--watcher', 'nist-csrc', fixturePath('nist/pubs-export', 'nist-pubs-export-2026-08-14.zip')], cwd);
    expect(out.code, out.stderr).toBe(0);
    const records = JSON.parse(out.stdout) as Array<{ key: string }>;
    expect(records.map((r) => r.key)).toEqual(expect.arrayContaining(['nist:SP.800-218A']));
  });

  it('says when the page is not what the kind reads, with exit 3', async () => {
    const out = await run(['inspect', '--watcher', 'cen-project', fixturePath('iso-pages', 'iso-74197-2021-07-28.html')], cwd);
    expect(out.code).toBe(3);
    expect(JSON.parse(out.stdout)).toMatchObject({ verdict: expect.stringMatching(/^(unreadable|extraction-failed)$/) });
  });

  it('without --watcher reads as iso-page and, when that fails, says how to name the kind', async () => {
    const out = await run(['inspect', fixturePath('cen', 'cen-20626-2026-06-26.html')], cwd);
    expect(out.code).toBe(3);
    expect(JSON.parse(out.stdout)).toMatchObject({ verdict: 'unreadable' });
    expect(out.stderr).toContain(
      "read as iso-page, the default kind; another publisher's page needs --watcher (one of iso-page, iso-opendata, iec-webstore, cen-project",
    );
    const told = await run(['inspect', '--watcher', 'cen-project', fixturePath('iso-pages', 'iso-74197-2021-07-28.html')], cwd);
    expect(told.stderr).not.toContain('the default kind');
  });

  it('a saved CEN page without --url: says that its address is what names the document', async () => {
    const out = await run(['inspect', '--watcher', 'cen-project', fixturePath('cen', 'cen-20626-2026-06-26.html')], cwd);
    expect(out.code).toBe(3);
    expect(out.stderr).toContain("a saved page: cen-project reads the document's id from its address (CEN project pages, IEC history XML): give it with --url");
    expect(out.stderr).not.toContain('the default kind');
    // read as iso-page, whose pages name their document: no word about the address
    const iso = await run(['inspect', fixturePath('cen', 'cen-20626-2026-06-26.html')], cwd);
    expect(iso.stderr).not.toContain('a saved page');
  });

  it('names what a target that is neither a file nor an http(s) URL probably is, and refuses --url beside a URL (exit 2)', async () => {
    expect(await run(['inspect', 'ftp://127.0.0.1/x.html'], cwd)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('inspect: ftp://127.0.0.1/x.html: ftp: is not fetched (give a file or an http(s) URL)'),
    });
    expect(await run(['inspect', 'www.iso.org/standard/81230.html'], cwd)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no such file (a URL? write it with https://: https://www.iso.org/standard/81230.html)'),
    });
    expect(await run(['inspect', 'http://127.0.0.1:9/x.html', '--url', 'https://www.iso.org/standard/1.html'], cwd)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('inspect: --url says where a saved file came from'),
    });
  });

  it('a catalogue with no row in scope prints [] and says where the scope comes from', async () => {
    const out = await run(['inspect', '--watcher', 'iso-opendata', fixturePath('iso-opendata', 'opendata-iso_deliverables_metadata-88821-88915.jsonl')], cwd);
    expect([out.code, out.stdout]).toEqual([0, '[]\n']);
    expect(out.stderr).toContain('no record in scope: the iso-opendata settings (committees, documents) come from');
  });

  it('names an unknown kind with exit 2', async () => {
    const out = await run(['inspect', '--watcher', 'eur-lex', fixturePath('iso-pages', 'iso-74197-2021-07-28.html')], cwd);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--watcher: "eur-lex" is not one of iso-page, iso-opendata, iec-webstore, cen-project, nist-csrc, nist-techpubs/);
  });

  it('refuses, with exit 2, an input larger than the kind ever downloads, or a device, before it fills memory', async () => {
    const big = join(cwd, 'big.html');
    writeFileSync(big, Buffer.alloc(2_000_001, 0x20));
    expect(await run(['inspect', '--watcher', 'cen-project', big], cwd)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`inspect: ${big}: is larger than 2 MB, the most regwatch reads of a page of this kind`),
    });
    expect(await run(['inspect', '/dev/zero'], cwd)).toMatchObject({ code: 2, stderr: expect.stringContaining('inspect: /dev/zero: is larger than 5 MB') });
    expect(await run(['inspect', '--watcher', 'iso-opendata', '/dev/zero'], cwd)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('inspect: /dev/zero: is not a regular file (iso-opendata reads a saved download)'),
    });
  });
});
