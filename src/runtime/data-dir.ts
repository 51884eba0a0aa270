import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OperatorError } from '../model/operator-error.js';

// The --data folder: the database, the published feeds (public/) and spooled downloads (tmp/).
// Checked before anything is opened, so a wrong --data is one clear line, not a stack trace from
// mkdir or SQLite, and nothing in the way is touched.

export const DATABASE_FILE = 'regwatch.sqlite';

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

/** refresh and serve: the folder exists (created if need be) and everything regwatch writes there is writable. */
export function prepareDataDirForWriting(dataDir: string): void {
  refuseNonFolder(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new OperatorError('REGWATCH_DATA_DIR', `--data ${dataDir}: cannot be created (${errorCode(error)})`);
  }
  const database = databasePath(dataDir);
  for (const path of [dataDir, join(dataDir, 'public'), join(dataDir, 'tmp'), database, `${database}-wal`, `${database}-shm`]) {
    if (path !== dataDir && !existsSync(path)) continue;
    try {
      accessSync(path, constants.W_OK);
    } catch (error) {
      const what = path === dataDir ? '' : ` ${path}`;
      throw new OperatorError(
        'REGWATCH_DATA_DIR',
        `--data ${dataDir}:${what} cannot be written (${errorCode(error)}): regwatch keeps its database and the feeds there`,
      );
    }
  }
}

/** changes and sources: a folder or nothing yet; true when it holds a database. */
export function dataDirHasDatabase(dataDir: string): boolean {
  refuseNonFolder(dataDir);
  return existsSync(databasePath(dataDir));
}

/** A --data that is a file, or lies under one (the nearest existing path is not a folder). */
function refuseNonFolder(dataDir: string): void {
  for (let path = dataDir; dirname(path) !== path; path = dirname(path)) {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch (error) {
      // ENOTDIR: a parent is a file, found on the way up; anything else mkdir or SQLite will name
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') continue;
      return;
    }
    if (isFolder) return;
    throw new OperatorError(
      'REGWATCH_DATA_DIR',
      path === dataDir ? `--data ${dataDir}: is a file, not a folder` : `--data ${dataDir}: ${path} is a file, not a folder`,
    );
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}
