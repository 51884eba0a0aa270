import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from './fixture-server.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';
import { runCli } from './helpers/run-cli.js';

// `regwatch page` as a scheduled job runs it: refresh, then rewrite the reference page's blocks;
// exit 6 when the page changed (commit it), 0 when it was left byte for byte, 2 with nothing
// written when the markers are wrong.

const PAGE = '/standard/74197.html';

const REFERENCE_PAGE = `---
title: ISO 22934 — our notes
---

# ISO 22934

Our own notes, not ISO's text.

## Provenance & licence

<!-- regwatch:provenance -->
stale
<!-- /regwatch:provenance -->

## Recent Changes

<!-- regwatch:changes -->
<!-- /regwatch:changes -->

## Our mapping

| Clause | Control |
| --- | --- |
`;

describeWithFixtures('regwatch page through the CLI', () => {
  let dir: string;
  let server: FixtureServer;
  const run = (args: string[]) => runCli([...args, '--config', 'config.json', '--data', 'data'], dir);
  const page = () => join(dir, 'iso-22934.md');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regwatch-page-cli-'));
    server = await startFixtureServer();
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        allowPrivateNetwork: true,
        hostIntervalSeconds: 0,
        sources: [{ id: 'iso_22934', watcher: 'iso-page', url: `${server.origin}${PAGE}` }],
      }),
    );
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says plainly when there is no database yet, and writes nothing', async () => {
    writeFileSync(page(), REFERENCE_PAGE);
    const result = await run(['page', 'iso-22934.md', '--source', 'iso_22934']);
    expect([result.code, result.stderr]).toEqual([2, expect.stringContaining('run regwatch refresh first (the page was not changed)')]);
    expect(readFileSync(page(), 'utf8')).toBe(REFERENCE_PAGE);
  });

  it('rewrites the two blocks and nothing else, and exits 6', async () => {
    server.routes.set(PAGE, { file: fixturePath('iso-pages', 'iso-74197-2020-11-02.html') });
    expect((await run(['refresh', '--quiet'])).code).toBe(0);
    server.routes.set(PAGE, { file: fixturePath('iso-pages', 'iso-74197-2021-02-11.html') });
    expect((await run(['refresh', '--quiet'])).code).toBe(0);

    const result = await run(['page', 'iso-22934.md', '--source', 'iso_22934']);
    expect([result.code, result.stdout, result.stderr]).toEqual([6, '', 'page: iso-22934.md: rewritten\n']);
    const text = readFileSync(page(), 'utf8');
    const changes = text.slice(text.indexOf('<!-- regwatch:changes -->'), text.indexOf('<!-- /regwatch:changes -->'));
    expect(changes.split('\n').filter((l) => l.startsWith('|'))).toEqual([
      '| Date | Severity | What changed |',
      '| --- | --- | --- |',
      expect.stringMatching(
        /^\| \d{4}-\d\d-\d\d \| major \| ISO\/FDIS 22934: FDIS registered for formal approval \[50\.00\], was close of voting \[40\.60\].*\|$/,
      ),
      expect.stringMatching(/^\| \d{4}-\d\d-\d\d \| baseline \| /),
    ]);
    expect(text).toMatch(/<!-- regwatch:provenance -->\n\n- Source: \[http:\/\/127\.0\.0\.1:\d+\/standard\/74197\.html\]/);
    expect(text).toContain('- Licence: ISO/IEC copyright — metadata only (`proprietary-metadata-only`)');
    expect(text).not.toContain('stale');
    // Everything outside the blocks is as it was.
    const outside = (t: string) => t.replace(/(<!-- regwatch:(\w+) -->)[\s\S]*?(<!-- \/regwatch:\2 -->)/g, '$1$3');
    expect(outside(text)).toBe(outside(REFERENCE_PAGE));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves an up-to-date page byte for byte (same mtime) and exits 0', async () => {
    const before = readFileSync(page());
    const mtime = statSync(page()).mtimeMs;
    const result = await run(['page', 'iso-22934.md', '--source', 'iso_22934']);
    expect([result.code, result.stderr]).toEqual([0, 'page: iso-22934.md: up to date, not written\n']);
    expect(readFileSync(page()).equals(before)).toBe(true);
    expect(statSync(page()).mtimeMs).toBe(mtime);
  });

  it('--vocabulary reference and --last change the table, keeping CRLF line endings', async () => {
    writeFileSync(page(), REFERENCE_PAGE.replace(/\n/g, '\r\n'));
    const result = await run(['page', 'iso-22934.md', '--source', 'iso_22934', '--vocabulary', 'reference', '--last', '1']);
    expect(result.code).toBe(6);
    const text = readFileSync(page(), 'utf8');
    expect(text.split('\r\n').filter((l) => l.startsWith('| 2'))).toEqual([
      expect.stringMatching(/^\| \d{4}-\d\d-\d\d \| substantive \| ISO\/FDIS 22934: FDIS registered/),
    ]);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });

  it.each([
    ['an unbalanced marker', REFERENCE_PAGE.replace('<!-- /regwatch:changes -->\n', ''), /page: line \d+: <!-- regwatch:changes --> is never closed/],
    ['a missing block', REFERENCE_PAGE.replace(/<!-- \/?regwatch:provenance -->\n/g, ''), /page: <!-- regwatch:provenance --> is missing/],
    [
      'a closing marker never opened',
      `<!-- /regwatch:changes -->\n${REFERENCE_PAGE}`,
      /page: line 1: <!-- \/regwatch:changes --> closes a block that was never opened/,
    ],
  ])('%s: exit 2, the marker named, nothing written', async (_name, content, message) => {
    writeFileSync(page(), content);
    const mtime = statSync(page()).mtimeMs;
    const result = await run(['page', 'iso-22934.md', '--source', 'iso_22934']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('(the page was not changed)');
    expect(readFileSync(page(), 'utf8')).toBe(content);
    expect(statSync(page()).mtimeMs).toBe(mtime);
  });

  it('names a missing page, an unknown source and a missing --source (exit 2)', async () => {
    expect(await run(['page', 'nope.md', '--source', 'iso_22934'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('page: nope.md: no such file'),
    });
    expect(await run(['page', '.', '--source', 'iso_22934'])).toMatchObject({ code: 2, stderr: expect.stringContaining('page: .: is a folder, not a file') });
    expect(await run(['page', 'iso-22934.md', '--source', 'iso_9999'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--source iso_9999: no such source in the config (sources: iso_22934)'),
    });
    expect(await run(['page', 'iso-22934.md'])).toMatchObject({ code: 2, stderr: expect.stringContaining('page: --source id is needed') });
  });

  it('refuses a page that cannot be a reference page (over 10 MiB, a device) before it fills memory (exit 2)', async () => {
    expect(await run(['page', '/dev/zero', '--source', 'iso_22934'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('page: /dev/zero: is larger than 10 MiB; a reference page is text (the page was not changed)'),
    });
  });
});
