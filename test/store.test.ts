import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../src/store/store.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { withDatabaseFile } from './helpers/database-file.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regwatch-store-'));
  dirs.push(dir);
  return join(dir, 'regwatch.sqlite');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('store', () => {
  it('applies the migrations once, in WAL mode, and reopens without reapplying them', () => {
    const path = tempDb();
    openStore(path).close();
    const store = openStore(path);
    withDatabaseFile(path, (db) => {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    });
    store.close();
  });

  it('refuses a database written by a newer regwatch, naming both versions', () => {
    const path = tempDb();
    openStore(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openStore(path)).toThrow(`store: ${path}: database schema version ${MIGRATIONS.length + 1} is newer than this regwatch (${MIGRATIONS.length}); upgrade regwatch`);
    expect(() => openStore(path, { readonly: true })).toThrow(expect.objectContaining({ code: 'REGWATCH_SCHEMA_NEWER' }));
  });

  it('opened read-only, upgrades a database an older regwatch wrote (as refresh would), then reads it', () => {
    const path = tempDb();
    const raw = new Database(path);
    raw.pragma('journal_mode = WAL');
    for (const [version, sql] of MIGRATIONS.slice(0, -1).entries()) {
      raw.exec(sql);
      raw.pragma(`user_version = ${version + 1}`);
    }
    raw.prepare("INSERT INTO source_state (source_id, consecutive_failures) VALUES ('a', 2)").run();
    raw.close();
    const store = openStore(path, { readonly: true });
    expect(store.sourceState('a')).toMatchObject({ consecutiveFailures: 2, revision: 0 });
    expect(() => store.beginRun('test', '2026-01-01T06:00:00.000Z')).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }));
    expect(withDatabaseFile(path, (db) => db.pragma('user_version', { simple: true }))).toBe(MIGRATIONS.length);
    store.close();
  });

  it('keeps a host\'s 429/503 "not before" time and its robots.txt across runs', () => {
    const path = tempDb();
    const first = openStore(path);
    first.hostState.setNotBefore('www.iso.org', 1_767_225_600_000);
    first.hostState.setRobots('https://www.iso.org', { fetchedAt: 1_767_200_000_000, status: 200, body: 'User-agent: *\nDisallow: /private\n' });
    first.close();
    const later = openStore(path);
    expect(later.hostState.getNotBefore('www.iso.org')).toBe(1_767_225_600_000);
    expect(later.hostState.getRobots('https://www.iso.org')).toEqual({ fetchedAt: 1_767_200_000_000, status: 200, body: 'User-agent: *\nDisallow: /private\n' });
    // the two kinds of state of one host do not overwrite each other
    later.hostState.setRobots('www.iso.org', { fetchedAt: 1, status: 404, body: null });
    expect(later.hostState.getNotBefore('www.iso.org')).toBe(1_767_225_600_000);
    expect(later.hostState.getNotBefore('example.org')).toBeUndefined();
    later.close();
  });
});
