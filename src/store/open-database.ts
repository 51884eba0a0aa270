import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, migrate, refuseForeignDatabase, refuseNewerSchema } from './migrations.js';
import { databaseProblem } from './database-problem.js';
import { OperatorError } from '../model/operator-error.js';

// Opens the SQLite file, migrated, or says in one line why it cannot (a folder in its place, not
// a database, damaged, newer than this regwatch). Read-write for refresh and serve (WAL); read-only
// for the commands that only read, which must work on a database they cannot write.

export function openDatabase(path: string, readonly: boolean): Database.Database {
  if (path !== ':memory:' && existsSync(path) && statSync(path).isDirectory()) {
    throw new OperatorError('REGWATCH_DATABASE_UNUSABLE', `${path}: is a folder, not a database file`);
  }
  try {
    return readonly ? openReadOnly(path) : openReadWrite(path);
  } catch (error) {
    throw databaseProblem(error, path) ?? error;
  }
}

function openReadWrite(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    // Before WAL mode is set: that alone would rewrite another program's file.
    refuseForeignDatabase(db, db.pragma('user_version', { simple: true }) as number, path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // the writes that must wait for the disk say so: durable-write.ts
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function openReadOnly(path: string): Database.Database {
  let db = new Database(path, { readonly: true, fileMustExist: true });
  let version: number;
  try {
    db.pragma('busy_timeout = 5000');
    version = db.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    db.close();
    if (!cannotShareWal(error)) throw error;
    return snapshot(path);
  }
  refuseNewerSchema(version, path);
  try {
    refuseForeignDatabase(db, version, path);
  } catch (error) {
    db.close();
    throw error;
  }
  if (version < MIGRATIONS.length) {
    // Written by an older regwatch: upgraded in place as refresh would, when we may write it.
    db.close();
    try {
      openReadWrite(path).close();
    } catch (error) {
      const why = databaseProblem(error, path)?.message ?? (error as Error).message;
      throw new OperatorError(
        'REGWATCH_DATABASE_UNUSABLE',
        `store: ${path}: database schema version ${version} is older than this regwatch (${MIGRATIONS.length}) and cannot be upgraded from here (${why}); run regwatch refresh once`,
      );
    }
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  }
  return db;
}

/**
 * A WAL database is read through its -shm file, which a reader creates when it is missing: in a
 * folder it cannot write (a chmod 555 folder, a read-only mount), it cannot.
 */
function cannotShareWal(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_READONLY_DIRECTORY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY_CANTINIT';
}

/**
 * The database read into memory. Safe only when no -wal file holds changes the main file lacks,
 * which is so when the last writer closed cleanly (and no writer can start in a folder nobody
 * can write). better-sqlite3 opens no URI filenames, so `?immutable=1` is not available.
 */
function snapshot(path: string): Database.Database {
  const wal = `${path}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) {
    throw new OperatorError(
      'REGWATCH_DATABASE_UNUSABLE',
      `${path}: cannot be read from here: its latest changes are in ${wal}, which only a user who can write ${dirname(path)} can read (run as the user that runs refresh)`,
    );
  }
  const bytes = readFileSync(path);
  // File format bytes 18-19 (sqlite.org/fileformat.html): 2 is WAL, which an in-memory copy cannot
  // use; 1 (rollback journal) reads the same pages.
  if (bytes.length >= 100 && bytes[18] === 2 && bytes[19] === 2) bytes[18] = bytes[19] = 1;
  const db = new Database(bytes);
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    refuseForeignDatabase(db, version, path);
    migrate(db, path); // the copy only: the file is not written
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
