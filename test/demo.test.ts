import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesFileSchema, type Item } from '../src/model/item.js';
import { demoSlice } from '../src/demo/slice.js';
import { describeWithFixtures, FIXTURES_DIR } from './fixtures.js';
import { CLI, LOOPBACK_ONLY, runCli } from './helpers/run-cli.js';
import { TSX_IMPORT } from './helpers/tsx.js';
import { VIOLATION } from './helpers/loopback-only.js';
import { startServingChild } from './helpers/serving-child.js';
import { request } from './serve-seed.js';

// `regwatch demo` shows a newcomer the product on a machine that cannot reach iso.org: a facts-only
// slice of real SC 42 history, replayed from 127.0.0.1. Run as a user runs it, in a process that
// may not look up a name or open a connection beyond loopback.

const ROOT = resolve(import.meta.dirname, '..');
const SLICE_FILE = join(ROOT, 'demo/sc42-slice.json');

describe('the demo data file', () => {
  const text = readFileSync(SLICE_FILE, 'utf8');

  it('holds facts only: no scope (abstract), no title, the ISO Open Data attribution kept, a few KB', () => {
    const keys = new Set<string>();
    JSON.parse(text, (key, value: unknown) => {
      keys.add(key);
      return value;
    });
    expect(keys.has('scope')).toBe(false);
    expect(keys.has('title')).toBe(false);
    expect(text).not.toMatch(/SCOPE-SENTINEL|<p>/);
    expect(text.length).toBeLessThan(16 * 1024);
    const slice = demoSlice();
    expect(slice.attribution).toBe('Contains ISO Open Data (ISO deliverables metadata), © ISO, licensed under ODC-By 1.0');
    expect(slice.documents.map((d) => d.id)).toEqual([84110, 84111, 81228, 79799, 81230]);
  });
});

describeWithFixtures('the demo data file is built from the replay facts', () => {
  it('scripts/build-demo-slice.ts rebuilds it byte for byte from expected.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'regwatch-slice-'));
    try {
      const out = join(dir, 'slice.json');
      const expected = join(FIXTURES_DIR, 'iso-opendata/sc42-replay/expected.json');
      const code = await new Promise<number | null>((done) => {
        spawn(process.execPath, ['--import', TSX_IMPORT, join(ROOT, 'scripts/build-demo-slice.ts'), expected, out], { stdio: 'ignore' }).on('close', done);
      });
      expect(code).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(SLICE_FILE, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('regwatch demo through the CLI, loopback only', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'regwatch-demo-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses what it would not use, before replaying anything: a --config, a --serve port in use', async () => {
    const config = await runCli(['demo', '--config', 'mine.json', '--data', 'with-config'], dir);
    expect([config.code, config.stderr]).toEqual([2, expect.stringContaining('demo: --config is not used: the demo replays with its own config')]);
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    try {
      const port = (busy.address() as AddressInfo).port;
      const serve = await runCli(['demo', '--serve', '--port', String(port), '--data', 'busy-port'], dir);
      expect([serve.code, serve.stderr]).toEqual([2, `regwatch: demo: cannot listen on 127.0.0.1:${port}: the port is in use (pick another with --port)\n`]);
    } finally {
      busy.close();
    }
    expect(existsSync(join(dir, 'with-config')) || existsSync(join(dir, 'busy-port'))).toBe(false);
  });

  it('the guard it runs under does catch a process reaching past loopback', async () => {
    // The shipped watch list names iso.org and others: every name lookup is refused and reported.
    const refreshed = await runCli(['refresh', '--data', 'guarded', '--quiet'], dir, { nodeOptions: LOOPBACK_ONLY });
    expect(refreshed.stderr).toContain(`${VIOLATION}: lookup www.iso.org`);
    expect(refreshed.code).toBe(3);
  });

  it('replays the slice into a new folder and prints the changes and where the feeds are', async () => {
    const demo = await runCli(['demo', '--data', 'demo-data'], dir, { nodeOptions: LOOPBACK_ONLY });
    expect(demo.stderr).not.toContain(VIOLATION);
    expect(demo.code).toBe(0);
    expect(demo.stderr).toMatch(
      /^regwatch demo: 19 days of ISO\/IEC JTC 1\/SC 42 catalogue history \(2024-01-19 to 2025-03-13\), replayed from http:\/\/127\.0\.0\.1:\d+ into /,
    );
    const lines = demo.stdout.split('\n');
    expect(lines[0]).toBe('Date        Severity  What changed');
    const rows = lines.slice(1, lines.indexOf(''));
    expect(rows).toHaveLength(24);
    expect(rows).toEqual(
      expect.arrayContaining([
        '2025-01-14  major     ISO/IEC FDIS 12792: FDIS registered for formal approval [50.00], was full report circulated: DIS approved for registration as FDIS [40.99]',
        '2024-11-01  major     ISO/IEC TS 12791:2024: published [60.60], was under publication [60.00] (publication date 2024-10-01)',
        '2024-05-30  major     ISO/IEC DTS 12791.2: FDIS registered for formal approval [50.00], was under publication [60.00]',
        '2024-05-03  major     ISO/IEC TS 4213:2022: to be revised [90.92], was published [60.60]',
        '2024-04-28  major     ISO/IEC DIS 12792: DIS ballot initiated [40.20], was DIS registered [40.00]',
        '2024-03-18  major     ISO/IEC 5392:2024: published [60.60], was under publication [60.00] (publication date 2024-03-01)',
        '2024-02-26  info      ISO/IEC 5392: publication date 2024-03-01, was none', // the date is said once
        '2024-01-19  baseline  ISO/IEC 42001:2023: first observed, published [60.60] (publication date 2023-12-01)',
      ]),
    );
    const publicDir = join(dir, 'demo-data', 'public');
    expect(demo.stdout).toContain(`Published in ${publicDir}:\n  ${join(publicDir, 'feed.xml')}\n`);
    // The next step serves this very replay (demo --serve would replay into a new folder).
    expect(demo.stdout).toContain(
      `regwatch serve --config ${join(dir, 'demo-data', 'demo.config.json')} --data ${join(dir, 'demo-data')}   (this replay, served at`,
    );
    // Its database read under the shipped watch list: the demo's source is named, not hidden.
    const sources = await runCli(['sources', '--data', 'demo-data'], dir);
    expect([sources.code, sources.stdout]).toEqual([0, expect.stringContaining('\nAlso in this database, not in this config: sc42_catalogue (')]);
    // A filter that leaves nothing says so, rather than that nothing was ever recorded.
    const critical = await runCli(['changes', '--data', 'demo-data', '--min-severity', 'critical'], dir);
    expect([critical.code, critical.stdout]).toEqual([0, 'No critical changes recorded yet.\n']);
    // The catalogue gives no stage date: its publication date dates a publication, never a later review.
    const items = JSON.parse((await runCli(['changes', '--data', 'demo-data', '--format', 'json'], dir)).stdout) as Item[];
    const dated = (event: string) => items.filter((i) => i.event === event).map((i) => [i.effectiveDate, i.effectiveDateKind]);
    expect(dated('published')).toEqual([
      ['2024-10-01', 'publication-date'],
      ['2024-03-01', 'publication-date'],
    ]);
    expect([...dated('confirmed'), ...dated('revision-registered')]).toEqual([
      [null, null],
      [null, null],
    ]);
    const pageFile = join(dir, 'reference.md');
    writeFileSync(pageFile, '<!-- regwatch:changes -->\n<!-- /regwatch:changes -->\n<!-- regwatch:provenance -->\n<!-- /regwatch:provenance -->\n');
    const demoConfig = join(dir, 'demo-data', 'demo.config.json');
    const page = await runCli(
      ['page', pageFile, '--source', 'sc42_catalogue', '--min-severity', 'critical', '--data', 'demo-data', '--config', demoConfig],
      dir,
    );
    expect(page.code, page.stderr).toBe(6);
    expect(readFileSync(pageFile, 'utf8')).toContain('<!-- regwatch:changes -->\n\nNo critical changes recorded yet.\n');
    expect(demo.stdout).toContain('Contains ISO Open Data (ISO deliverables metadata), © ISO, licensed under ODC-By 1.0');

    const published = changesFileSchema.parse(JSON.parse(readFileSync(join(publicDir, 'changes.json'), 'utf8')));
    // Each fact was fetched on the day it stands for: the replay's clock, not today's.
    expect(published.items.filter((i) => i.provenance.fetchedAt.slice(0, 10) !== i.observedAt.slice(0, 10))).toEqual([]);
    expect(published.items.filter((i) => i.event === 'ballot-repeated').map((i) => [i.document?.key, i.observedAt.slice(0, 10)])).toEqual([
      ['iso:84110', '2024-05-30'],
    ]);
    expect(published.items.every((i) => i.licence.attribution.includes('ISO Open Data'))).toBe(true);
    expect(readFileSync(join(publicDir, 'feed.xml'), 'utf8')).toContain('ISO/IEC 5392:2024');
  });

  it('will not replay into a folder that already holds a database (exit 2)', async () => {
    const again = await runCli(['demo', '--data', 'demo-data'], dir);
    expect([again.code, again.stderr]).toEqual([2, expect.stringContaining('already holds a database')]);
  });

  it('--serve serves what it replayed, and stops on SIGTERM', async () => {
    const { child, url, stderr, exited } = await startServingChild(
      process.execPath,
      ['--import', TSX_IMPORT, ...LOOPBACK_ONLY, CLI, 'demo', '--serve', '--port', '0', '--data', 'served'],
      { cwd: dir, timeoutMs: 60_000 },
    );
    try {
      const feed = await request(new URL('feed.json?min-severity=critical', url).href);
      expect(feed.status).toBe(200);
      const all = await request(new URL('changes.json', url).href);
      expect(changesFileSchema.parse(JSON.parse(all.text)).items).toHaveLength(24);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr()).not.toContain(VIOLATION);
  });
});
