import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseConfig } from '../src/config/index.js';
import { openStore } from '../src/store/store.js';
import { refresh } from '../src/pipeline/refresh.js';
import { databasePath, siteFor } from '../src/runtime/open-runtime.js';
import { OperatorError } from '../src/model/operator-error.js';
import { refuseForeignDatabase } from '../src/store/migrations.js';
import type { Fetcher } from '../src/fetch/fetcher.js';

// A database that is not one, or is damaged, is the operator's to fix: an OperatorError naming the
// file, never a source's `extraction-failed` and never something to write over.

const CLOCK = '2026-03-01T06:00:00.000Z';
const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regwatch-damaged-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('opening a database that is not one', () => {
  it('throws an OperatorError naming the file, and leaves the file as it was', () => {
    const dir = dataDir();
    const path = databasePath(dir);
    writeFileSync(path, 'not sqlite at all\n'.repeat(10));
    for (const readonly of [false, true]) {
      expect(() => openStore(path, { readonly })).toThrow(
        expect.objectContaining({ code: 'REGWATCH_DATABASE_UNUSABLE', message: expect.stringMatching(new RegExp(`^${path}: is not a regwatch database`)) }),
      );
    }
    expect(readFileSync(path, 'utf8')).toBe('not sqlite at all\n'.repeat(10));
  });
});

describe('a database found damaged during a refresh', () => {
  it('stops the run with an OperatorError instead of failing the source', async () => {
    const dir = dataDir();
    const config = parseConfig({
      sources: [
        { id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html' },
        { id: 'b', watcher: 'iso-page', url: 'https://www.iso.org/standard/44545.html' },
      ],
    });
    const store = openStore(databasePath(dir));
    const fetched: string[] = [];
    const fetcher: Fetcher = {
      get: async (url) => {
        fetched.push(url);
        return { kind: 'unreadable', reason: 'offline (test)', code: 'TEST_OFFLINE', url, fetchedAt: CLOCK };
      },
      close: async () => {},
    };
    store.recordCheck = () => {
      throw new Database.SqliteError('database disk image is malformed', 'SQLITE_CORRUPT');
    };
    const lines: string[] = [];
    try {
      const run = refresh(
        { config, store, fetcher, now: () => new Date(CLOCK), dataDir: dir, site: siteFor(config), progress: (l) => lines.push(l) },
        { trigger: 'test' },
      );
      await expect(run).rejects.toBeInstanceOf(OperatorError);
      await expect(run).rejects.toMatchObject({
        code: 'REGWATCH_DATABASE_DAMAGED',
        message: `${databasePath(dir)}: the database is damaged (database disk image is malformed); restore it from a backup, or move it away to start afresh`,
      });
      // one host, checked in turn: the second source is not checked against a damaged store
      expect(fetched).toEqual(['https://www.iso.org/standard/81230.html']);
      expect(lines.filter((l) => l.includes('internal error'))).toEqual([]);
      expect(store.sourceState('a')).toBeUndefined();
    } finally {
      store.close();
    }
  });
});

describe("another program's database, and ours being created", () => {
  it('is not mistaken for foreign while another regwatch commits its first migration between the two reads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regwatch-foreign-race-'));
    try {
      const path = join(dir, 'regwatch.sqlite');
      const reader = new Database(path);
      const versionSeen = reader.pragma('user_version', { simple: true }) as number; // 0: a new file
      openStore(path).close(); // meanwhile another process creates and migrates it
      expect(versionSeen).toBe(0);
      expect(() => refuseForeignDatabase(reader, versionSeen, path)).not.toThrow();
      reader.exec('PRAGMA user_version = 0'); // the same tables with no version of ours: foreign
      expect(() => refuseForeignDatabase(reader, 0, path)).toThrow(/is not a regwatch database \(it holds other tables: /);
      reader.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
