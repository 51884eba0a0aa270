import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeFileAtomicallyIfChanged } from '../src/publish/atomic-write.js';
import { PublishError, publish, renderOutputs } from '../src/publish/index.js';
import { BASELINE_42001, FDIS_42005, REALISTIC_ITEMS, realisticInput } from './publish-items.js';

const FIVE = ['changes.json', 'feed.atom', 'feed.json', 'feed.xml', 'sources.json'];
const LONG_AGO = new Date('2001-01-01T00:00:00Z');

/** A folder of this test's own, removed when the test ends. */
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regwatch-publish-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function snapshot(dir: string) {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => {
        const stat = statSync(join(dir, name));
        return [name, { bytes: readFileSync(join(dir, name), 'utf8'), mtimeMs: stat.mtimeMs, ino: stat.ino }];
      }),
  );
}

/** Backdates every file, so "not rewritten" is visible whatever the filesystem's mtime granularity. */
function backdate(dir: string): void {
  for (const name of readdirSync(dir)) utimesSync(join(dir, name), LONG_AGO, LONG_AGO);
}

describe('publish', () => {
  it('writes the five files, exactly the rendered bytes, and no temp file', async () => {
    const dir = freshDir();
    const result = await publish(dir, realisticInput());
    expect([...result.written].sort()).toEqual(FIVE);
    expect(result.unchanged).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(FIVE);
    for (const [name, bytes] of renderOutputs(realisticInput())) expect(readFileSync(join(dir, name), 'utf8')).toBe(bytes);
  });

  it('publishing the same input twice leaves every file byte-identical and untouched', async () => {
    const dir = freshDir();
    await publish(dir, realisticInput());
    backdate(dir);
    const before = snapshot(dir);
    const again = await publish(dir, structuredClone(realisticInput()));
    expect(again.written).toEqual([]);
    expect([...again.unchanged].sort()).toEqual(FIVE);
    expect(snapshot(dir)).toEqual(before);
    expect(statSync(join(dir, 'feed.xml')).mtimeMs).toBe(LONG_AGO.getTime());
  });

  it('rewrites only the files whose bytes changed', async () => {
    const dir = freshDir();
    await publish(dir, realisticInput());
    backdate(dir);
    const before = snapshot(dir);
    const newer = {
      ...BASELINE_42001,
      id: 'tag:regwatch,2026:iso_42001/iso:81230/2',
      severity: 'info' as const,
      event: 'pages-changed' as const,
      summary: 'ISO/IEC 42001:2023: pages 51 → 52',
      changes: [{ field: 'pages', before: 51, after: 52 }],
      observedAt: '2025-03-10T06:00:12Z',
    };
    const result = await publish(dir, realisticInput({ items: [newer, ...REALISTIC_ITEMS] }));
    expect([...result.written].sort()).toEqual(['changes.json', 'feed.atom', 'feed.json', 'feed.xml']);
    expect(result.unchanged).toEqual(['sources.json']);
    const after = snapshot(dir);
    expect(after['sources.json']).toEqual(before['sources.json']);
    expect(after['feed.xml']!.ino).not.toBe(before['feed.xml']!.ino); // replaced by rename, not rewritten in place
    expect(JSON.parse(after['changes.json']!.bytes).items[0].id).toBe(newer.id);
  });

  it('a render that throws writes nothing and leaves the previous files intact', async () => {
    const dir = freshDir();
    await publish(dir, realisticInput());
    backdate(dir);
    const before = snapshot(dir);
    const broken = { ...FDIS_42005, id: 'tag:regwatch,2026:iso_42005/iso:44545/9', summary: '' };
    await expect(publish(dir, realisticInput({ items: [broken, ...REALISTIC_ITEMS] }))).rejects.toThrow(PublishError);
    await expect(publish(dir, realisticInput({ generatedAt: 'not a date' }))).rejects.toThrow(PublishError);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('writeFileAtomicallyIfChanged', () => {
  it('removes its temp file when the final rename fails', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'feed.xml')); // a directory where the file should go: rename fails
    writeFileSync(join(dir, 'feed.xml', 'keep'), 'x');
    await expect(writeFileAtomicallyIfChanged(dir, 'feed.xml', '<rss/>')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['feed.xml']);
  });

  it('creates a missing file and then reports it unchanged', async () => {
    const dir = freshDir();
    expect(await writeFileAtomicallyIfChanged(dir, 'a.json', '{}\n')).toBe('written');
    expect(await writeFileAtomicallyIfChanged(dir, 'a.json', '{}\n')).toBe('unchanged');
    expect(await writeFileAtomicallyIfChanged(dir, 'a.json', '{ }\n')).toBe('written');
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('{ }\n');
  });
});
