import { resolve } from 'node:path';
import type { Store } from '../store/store.js';
import { databaseProblem } from '../store/database-problem.js';
import { databasePath, dataDirHasDatabase } from '../runtime/data-dir.js';

// changes and sources read the database the last refresh wrote, read-only: reading must work on a
// database (and a folder) this user cannot write. SQLite is loaded only when there is one.

/** The --data folder as given, or ./data. */
export function dataDirOf(data: string | undefined): string {
  return resolve(data ?? 'data');
}

/** The store of this data folder, read-only; null when no refresh has made one yet. */
export async function openStoreForReading(dataDir: string): Promise<Store | null> {
  if (!dataDirHasDatabase(dataDir)) return null;
  const { openStore } = await import('../store/store.js');
  const path = databasePath(dataDir);
  return namingDatabaseProblems(path, () => openStore(path, { readonly: true }));
}

/** Runs `use` on the database at `path`, naming the file when it turns out damaged or unusable. */
export function namingDatabaseProblems<T>(path: string, use: () => T): T {
  try {
    return use();
  } catch (error) {
    throw databaseProblem(error, path) ?? error;
  }
}
