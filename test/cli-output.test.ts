import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/store.js';
import { databasePath } from '../src/runtime/data-dir.js';
import { insertItems, syntheticItem } from './serve-seed.js';
import { runCli } from './helpers/run-cli.js';

// A stdout that goes away: a reader that stops early (`regwatch changes | head -1`) ends the
// command quietly with its own exit code; a stdout that cannot take the output (`> /dev/full`)
// is one line on stderr and exit 5. Never a stack trace.

let dir: string;
const PIPE_BUFFER = 64 * 1024;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'regwatch-output-'));
  const store = openStore(databasePath(join(dir, 'data')));
  insertItems(
    store,
    Array.from({ length: 3000 }, (_, n) => syntheticItem(n)),
  );
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MANY = ['changes', '--format', 'json', '--last', '3000'];

describe('regwatch changes with a stdout that goes away', () => {
  it('prints far more than a pipe holds, so that a reader that leaves early is noticed', async () => {
    const all = await runCli(MANY, dir);
    expect([all.code, all.stderr]).toEqual([0, '']);
    expect(all.stdout.length).toBeGreaterThan(16 * PIPE_BUFFER);
  });

  it('ends quietly with exit 0 when the reader closes the pipe after the first chunk (| head -1)', async () => {
    const run = await runCli(MANY, dir, { stdout: 'close-after-first-chunk' });
    expect([run.code, run.stderr]).toEqual([0, '']);
  });

  it.skipIf(!existsSync('/dev/full'))('says in one line that the output was lost, and exits 5, when stdout is full (> /dev/full)', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const run = await runCli(MANY, dir, { stdout: full });
      expect([run.code, run.stderr]).toEqual([5, 'regwatch: stdout: the output could not be written (ENOSPC)\n']);
      const help = await runCli(['--help'], dir, { stdout: full });
      expect([help.code, help.stderr]).toEqual([5, 'regwatch: stdout: the output could not be written (ENOSPC)\n']);
    } finally {
      closeSync(full);
    }
  });
});
