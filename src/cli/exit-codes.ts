import type { OperatorErrorCode } from '../model/operator-error.js';

// Exit codes are part of the interface: scripts rely on them. A command that ends on purpose ends
// with a coded error (src/model/errors.ts), and its code alone chooses the exit code here.

export const EXIT = {
  ok: 0,
  /** An unexpected internal error (a bug: please report it). */
  internal: 1,
  /** Bad command line, config, data folder or database (an OperatorError): nothing was fetched. */
  usage: 2,
  /** The run completed but at least one source could not be checked (unreadable, extraction failed). */
  sourcesFailed: 3,
  /** Another refresh holds the lock. */
  busy: 4,
  /** The command ran, but what it printed could not be written (stdout failed: a full disk, an I/O error). */
  outputLost: 5,
  /** `regwatch page`: the page was rewritten (a scheduled job commits it); 0 means it was left byte for byte. */
  pageChanged: 6,
  /** `regwatch notify`: some notification was given up (dead); `--retry-dead` queues it again. */
  deadDeliveries: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** For --help and the README: each exit code and when a script sees it. */
export const EXIT_MEANINGS: ReadonlyArray<readonly [ExitCode, string]> = [
  [EXIT.ok, 'ok'],
  [EXIT.internal, 'internal error'],
  [EXIT.usage, 'bad usage, config, data folder or database (nothing fetched)'],
  [EXIT.sourcesFailed, 'some source could not be checked (see the verdicts)'],
  [EXIT.busy, 'another refresh is running'],
  [EXIT.outputLost, 'the output could not be written'],
  [EXIT.pageChanged, 'page: the page was rewritten'],
  [EXIT.deadDeliveries, 'notify: some notification was given up (dead)'],
];

interface Failure {
  exit: ExitCode;
  /** Added after the message: what the failure left behind. */
  note?: string;
  /** The message names its input on each line itself (`config: sources[2].url: …`): no `regwatch:` prefix. */
  ownPrefix?: true;
}

/** Every code a command may end with on purpose. Any other error is a bug: exit 1, with its stack. */
const FAILURES = {
  REGWATCH_USAGE: { exit: EXIT.usage },
  REGWATCH_CONFIG: { exit: EXIT.usage, ownPrefix: true },
  REGWATCH_UNKNOWN_SOURCE: { exit: EXIT.usage },
  REGWATCH_DATA_DIR: { exit: EXIT.usage },
  REGWATCH_DATABASE_UNUSABLE: { exit: EXIT.usage },
  REGWATCH_DATABASE_DAMAGED: { exit: EXIT.usage },
  REGWATCH_SCHEMA_NEWER: { exit: EXIT.usage },
  REGWATCH_INSPECT_OPTIONS: { exit: EXIT.usage },
  REGWATCH_INSPECT_INPUT: { exit: EXIT.usage },
  REGWATCH_SERVE_LISTEN: { exit: EXIT.usage },
  REGWATCH_PAGE_FILE: { exit: EXIT.usage, note: 'the page was not changed' },
  // A reference page's markers are missing or unbalanced: nothing is written (src/page/markers.ts).
  PAGE_MARKER_MISSING: { exit: EXIT.usage, note: 'the page was not changed' },
  PAGE_MARKER_UNBALANCED: { exit: EXIT.usage, note: 'the page was not changed' },
  PAGE_MARKER_DUPLICATED: { exit: EXIT.usage, note: 'the page was not changed' },
  PAGE_MARKER_NESTED: { exit: EXIT.usage, note: 'the page was not changed' },
  PAGE_MARKER_UNKNOWN: { exit: EXIT.usage, note: 'the page was not changed' },
  REGWATCH_LOCK_BUSY: { exit: EXIT.busy },
  // Items are committed; the next refresh publishes them once the cause is fixed.
  REGWATCH_PUBLISH: { exit: EXIT.internal, note: 'nothing was published; the changes are stored' },
  REGWATCH_OUTPUT_LOST: { exit: EXIT.outputLost },
} satisfies Record<OperatorErrorCode, Failure> & Record<string, Failure>;

const FAILURE_BY_CODE: ReadonlyMap<string, Failure> = new Map(Object.entries(FAILURES));

/** The exit code for what a command threw, and the lines that tell the person running it. */
export function failureReport(error: unknown): { exit: ExitCode; text: string } {
  const code = (error as { code?: unknown } | null)?.code;
  const failure = typeof code === 'string' ? FAILURE_BY_CODE.get(code) : undefined;
  if (failure === undefined || !(error instanceof Error)) {
    return { exit: EXIT.internal, text: `regwatch: internal error: ${(error as Error | null)?.stack ?? String(error)}\n` };
  }
  const message = failure.note === undefined ? error.message : `${error.message} (${failure.note})`;
  return { exit: failure.exit, text: failure.ownPrefix ? `${message}\n` : `regwatch: ${message}\n` };
}
