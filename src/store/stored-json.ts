import type * as z from 'zod';
import { OperatorError } from '../model/operator-error.js';

// JSON read back from SQLite is checked against the shape it was written in. A row that no longer
// parses was damaged or edited by hand: the operator's to fix (restore a backup), and never acted
// on or silently left out.

export class StoredRowError extends OperatorError {
  constructor(
    readonly table: string,
    readonly row: string,
    databasePath: string,
    problem: string,
  ) {
    super(
      'REGWATCH_DATABASE_DAMAGED',
      `store: ${databasePath}: ${table} ${row}: ${problem}; the database was damaged or edited by hand: restore it from a backup`,
    );
  }
}

/** Where a stored JSON value comes from, for the error: `{ table: 'items', row: 'seq 42', column: 'item_json' }`. */
export interface StoredCell {
  table: string;
  row: string;
  column: string;
}

export interface StoredJsonReader {
  /** Parsed, or a StoredRowError when it is not JSON. */
  parse(cell: StoredCell, text: string): unknown;
  /**
   * Parsed and checked, or a StoredRowError naming the cell and the first problem. Returned as
   * stored (the schemas used here have no defaults or transforms): key order and bytes stay those written.
   */
  validate<T>(schema: z.ZodType<T>, cell: StoredCell, text: string): T;
}

export function storedJsonReader(databasePath: string): StoredJsonReader {
  const parse = (cell: StoredCell, text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new StoredRowError(cell.table, cell.row, databasePath, `${cell.column} is not JSON (${(error as Error).message})`);
    }
  };
  return {
    parse,
    validate(schema, cell, text) {
      const value = parse(cell, text);
      const checked = schema.safeParse(value);
      if (checked.success) return value as z.output<typeof schema>;
      const issue = checked.error.issues[0];
      const at = issue === undefined || issue.path.length === 0 ? '' : `.${issue.path.join('.')}`;
      throw new StoredRowError(cell.table, cell.row, databasePath, `${cell.column}${at}: ${issue?.message ?? 'invalid'}`);
    },
  };
}
