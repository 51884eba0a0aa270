import Database from 'better-sqlite3';

// The store hands out no database handle: a test that looks at rows, or plants one the store would
// never write (another process's lock, a damaged row), opens the file on a connection of its own.

/** Runs `use` on its own connection to the database file: read-only unless `write` is asked for. */
export function withDatabaseFile<T>(path: string, use: (db: Database.Database) => T, options: { write?: boolean } = {}): T {
  const db = new Database(path, { readonly: !(options.write ?? false), fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return use(db);
  } finally {
    db.close();
  }
}

export function selectRows<Row = Record<string, unknown>>(path: string, sql: string, ...params: unknown[]): Row[] {
  return withDatabaseFile(path, (db) => db.prepare(sql).all(...params) as Row[]);
}

export function countRows(path: string, table: string): number {
  return selectRows<{ n: number }>(path, `SELECT count(*) AS n FROM ${table}`)[0]!.n;
}

/** One statement that writes, on a connection of its own; returns the new row id. */
export function writeRow(path: string, sql: string, ...params: unknown[]): number {
  return withDatabaseFile(path, (db) => Number(db.prepare(sql).run(...params).lastInsertRowid), { write: true });
}
