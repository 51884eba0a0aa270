import { RegwatchError } from './errors.js';

// A problem the person running regwatch can fix (a wrong --data, a damaged or newer database, a
// bad option or config), as opposed to a bug. The CLI prints its message, which names the bad
// input, without a stack trace, and exits 2; nothing was fetched or changed.

export type OperatorErrorCode =
  | 'REGWATCH_USAGE'
  | 'REGWATCH_CONFIG'
  | 'REGWATCH_UNKNOWN_SOURCE'
  | 'REGWATCH_DATA_DIR'
  | 'REGWATCH_DATABASE_UNUSABLE'
  | 'REGWATCH_DATABASE_DAMAGED'
  | 'REGWATCH_SCHEMA_NEWER'
  | 'REGWATCH_INSPECT_OPTIONS'
  | 'REGWATCH_INSPECT_INPUT'
  | 'REGWATCH_SERVE_LISTEN'
  | 'REGWATCH_PAGE_FILE';

export class OperatorError extends RegwatchError<OperatorErrorCode> {}
