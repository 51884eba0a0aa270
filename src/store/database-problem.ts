import { OperatorError } from '../model/operator-error.js';

// SQLite errors that say the database file itself is unusable (not a database, damaged, not
// openable or writable here) are the operator's to fix, not a bug and not a source's failure:
// one clear line naming the file. Returns null for anything else.

export function databaseProblem(error: unknown, path: string): OperatorError | null {
  if (error instanceof OperatorError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  const cause = (error as Error).message;
  if (code === 'SQLITE_NOTADB') {
    return new OperatorError('REGWATCH_DATABASE_UNUSABLE', `${path}: is not a regwatch database (${cause}); move it away or give another --data`);
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new OperatorError(
      'REGWATCH_DATABASE_DAMAGED',
      `${path}: the database is damaged (${cause}); restore it from a backup, or move it away to start afresh`,
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN')) return new OperatorError('REGWATCH_DATABASE_UNUSABLE', `${path}: cannot be opened (${cause})`);
  if (code.startsWith('SQLITE_READONLY')) return new OperatorError('REGWATCH_DATABASE_UNUSABLE', `${path}: cannot be written (${cause})`);
  return null;
}
