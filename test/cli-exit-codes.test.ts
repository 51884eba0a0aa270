import { describe, expect, it } from 'vitest';
import { EXIT, failureReport } from '../src/cli/exit-codes.js';
import { OutputLostError } from '../src/cli/output.js';
import { ConfigError } from '../src/config/index.js';
import { RegwatchError } from '../src/model/errors.js';
import { OperatorError } from '../src/model/operator-error.js';
import { CheckAbortedError } from '../src/pipeline/budget.js';
import { RefreshAbortedError, UnknownSourceError } from '../src/pipeline/refresh.js';
import { PublishError } from '../src/publish/index.js';
import { BaselineMovedError } from '../src/store/baseline-moved-error.js';
import { LockBusyError } from '../src/store/run-lock.js';
import { PageError } from '../src/page/index.js';

// The CLI's one table: the code of what a command threw chooses the exit code and the message's
// form; anything without a code the table knows is a bug, reported with its stack.

describe('failureReport', () => {
  it.each([
    [
      'a usage error',
      new OperatorError('REGWATCH_USAGE', '--last: "x" is not a whole number from 1 to 1000000'),
      EXIT.usage,
      'regwatch: --last: "x" is not a whole number from 1 to 1000000\n',
    ],
    [
      'a bad config (its lines name themselves)',
      new ConfigError(['sources[0].url: must be an https URL', 'degradedAfter: too big']),
      EXIT.usage,
      'config: sources[0].url: must be an https URL\nconfig: degradedAfter: too big\n',
    ],
    [
      'an unknown --source',
      new UnknownSourceError('refresh: --source x: no such source (sources: a)'),
      EXIT.usage,
      'regwatch: refresh: --source x: no such source (sources: a)\n',
    ],
    [
      'a damaged database',
      new OperatorError('REGWATCH_DATABASE_DAMAGED', '/d/regwatch.sqlite: the database is damaged'),
      EXIT.usage,
      'regwatch: /d/regwatch.sqlite: the database is damaged\n',
    ],
    ['the run lock held', new LockBusyError(42), EXIT.busy, 'regwatch: refresh: another refresh is running (pid 42); try again when it has finished\n'],
    [
      'a refused publish',
      new PublishError('feed.xml does not parse'),
      EXIT.internal,
      'regwatch: publish: feed.xml does not parse (nothing was published; the changes are stored)\n',
    ],
    [
      'a page whose markers are wrong',
      new PageError('PAGE_MARKER_UNBALANCED', '<!-- /regwatch:changes -->', 3, 'closes a block that was never opened'),
      EXIT.usage,
      'regwatch: page: line 3: <!-- /regwatch:changes --> closes a block that was never opened (the page was not changed)\n',
    ],
    [
      'a page that cannot be read',
      new OperatorError('REGWATCH_PAGE_FILE', 'page: x.md: cannot be read (ENOENT)'),
      EXIT.usage,
      'regwatch: page: x.md: cannot be read (ENOENT) (the page was not changed)\n',
    ],
    [
      'a lost output',
      new OutputLostError(Object.assign(new Error('no space'), { code: 'ENOSPC' })),
      EXIT.outputLost,
      'regwatch: stdout: the output could not be written (ENOSPC)\n',
    ],
  ])('%s', (_, error, exit, text) => {
    expect(failureReport(error)).toEqual({ exit, text });
  });

  it.each([
    ['an error without a code', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a code the table does not know (SQLite busy)', Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })],
    ['a coded regwatch error that must never reach the CLI', new BaselineMovedError('a', 1, 2)],
    ['an aborted check', new CheckAbortedError('a')],
  ])('%s is an internal error (exit 1) with its stack', (_, error) => {
    const report = failureReport(error);
    expect(report.exit).toBe(EXIT.internal);
    expect(report.text).toBe(`regwatch: internal error: ${error.stack}\n`);
    expect(report.text).toMatch(/\n\s+at /);
  });

  it('a thrown value that is not an Error is an internal error', () => {
    expect(failureReport('boom')).toEqual({ exit: EXIT.internal, text: 'regwatch: internal error: boom\n' });
  });
});

describe('RegwatchError', () => {
  it('is the base of the coded errors, each named after its class, with a stable code', () => {
    const errors = [
      new OperatorError('REGWATCH_DATA_DIR', 'x'),
      new ConfigError(['x']),
      new UnknownSourceError('x'),
      new PublishError('x'),
      new RefreshAbortedError('SIGTERM', 1, 2),
      new CheckAbortedError('a'),
    ];
    expect(errors.every((e) => e instanceof RegwatchError)).toBe(true);
    expect(errors.map((e) => [e.name, e.code])).toEqual([
      ['OperatorError', 'REGWATCH_DATA_DIR'],
      ['ConfigError', 'REGWATCH_CONFIG'],
      ['UnknownSourceError', 'REGWATCH_UNKNOWN_SOURCE'],
      ['PublishError', 'REGWATCH_PUBLISH'],
      ['RefreshAbortedError', 'REGWATCH_REFRESH_ABORTED'],
      ['CheckAbortedError', 'REGWATCH_CHECK_ABORTED'],
    ]);
  });
});
