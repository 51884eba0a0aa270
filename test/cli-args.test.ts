import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERSION } from '../src/runtime/version.js';
import { LOOPBACK_ONLY, runCli, type CliRun } from './helpers/run-cli.js';

// The command line as regwatch words it: a mistake in the arguments is one line naming the command
// and the option, exit 2, and nothing is opened, fetched or written; --version works on either
// side of the command, as --help does.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'regwatch-args-'));
  // Sources on a closed loopback port: a run that got as far as fetching would say so.
  writeFileSync(
    join(dir, 'regwatch.config.json'),
    JSON.stringify({ allowPrivateNetwork: true, sources: [{ id: 'a', watcher: 'iso-page', url: 'http://127.0.0.1:9/standard/1.html' }] }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => runCli(args, dir, { nodeOptions: LOOPBACK_ONLY });

/** Exit 2, this one line, and the folder as it was. */
async function expectRefused(args: string[], message: string): Promise<void> {
  const before = readdirSync(dir).sort();
  const result: CliRun = await run(args);
  expect({ args, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ args, code: 2, stdout: '', stderr: `regwatch: ${message}\n` });
  expect(readdirSync(dir).sort()).toEqual(before);
}

describe('an empty value', () => {
  it('is refused for --data and --config, before or after the command, so an unset variable never means the current folder', async () => {
    for (const args of [
      ['refresh', '--data', '', '--quiet'],
      ['changes', '--data='],
      ['--data', '', 'changes'],
      ['--data=', 'sources'],
    ]) {
      await expectRefused(args, '--data: is empty (give a folder)');
    }
    for (const args of [
      ['sources', '--config', ''],
      ['--config', '', 'refresh'],
    ]) {
      await expectRefused(args, '--config: is empty (give a file)');
    }
  });

  it('is refused for any other option too, naming it', async () => {
    await expectRefused(['changes', '--source', ''], '--source: is empty (give a value)');
  });
});

describe('--version', () => {
  it('prints the version after the command too, as --help works there, and does nothing else', async () => {
    for (const args of [
      ['changes', '--version'],
      ['refresh', '-v'],
      ['--data', 'd', 'sources', '--version'],
      ['page', '--version'],
    ]) {
      const before = readdirSync(dir).sort();
      const result = await run(args);
      expect({ args, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ args, code: 0, stdout: `${VERSION}\n`, stderr: '' });
      expect(readdirSync(dir).sort()).toEqual(before);
    }
  });
});

describe("parseArgs' refusals, in regwatch's words", () => {
  it('names an unknown option, the options the command takes, and its help', async () => {
    await expectRefused(
      ['changes', '--bogus'],
      'changes: unknown option "--bogus" (changes takes --source, --last, --min-severity, --format, --config, --data, --help, --version; see regwatch help changes)',
    );
    await expectRefused(
      ['page', 'x.md', '--quiet'],
      'page: unknown option "--quiet" (page takes --source, --last, --vocabulary, --min-severity, --config, --data, --help, --version; see regwatch help page)',
    );
    await expectRefused(
      ['sources', '-x'],
      'sources: unknown option "-x" (sources takes --format, --config, --data, --help, --version; see regwatch help sources)',
    );
  });

  it('names the option that needs a value, and one that takes none', async () => {
    await expectRefused(['changes', '--last'], 'changes: --last: needs a value (see regwatch help changes)');
    await expectRefused(['changes', '--data'], 'changes: --data: needs a value (see regwatch help changes)');
    await expectRefused(['--data', '--help', 'changes'], '--data: needs a value'); // not a folder named --help
    await expectRefused(
      ['changes', '--source', '--data', 'd'],
      'changes: --source: needs a value ("--data" is an option; a value that starts with - is written --source=--data)',
    );
    await expectRefused(['refresh', '--quiet=yes'], 'refresh: --quiet: takes no value (given "yes"; see regwatch help refresh)');
  });

  it('says how many arguments the command takes', async () => {
    await expectRefused(['changes', 'extra'], 'changes: unexpected argument "extra" (changes takes no arguments; see regwatch help changes)');
    await expectRefused(['page', 'a.md', 'b.md', '--source', 'a'], 'page: unexpected argument "b.md" (page takes one argument; see regwatch help page)');
  });
});

describe('a global option given twice on the same side of the command', () => {
  it('is refused, as a command option given twice is; one before and one after the command is not', async () => {
    await expectRefused(
      ['--data', 'A', '--data', 'B', 'changes'],
      '--data is given more than once before the command (one before it and one after it may be: the one after wins)',
    );
    await expectRefused(
      ['--config=a.json', '--config', 'b.json', 'sources'],
      '--config is given more than once before the command (one before it and one after it may be: the one after wins)',
    );
    await expectRefused(['changes', '--data', 'A', '--data', 'B'], 'changes: --data is given more than once');
    await expectRefused(['--data', 'A', 'changes', '--data', 'B', '--data=C'], 'changes: --data is given more than once');
    const both = await run(['--data', 'A', 'changes', '--data', 'B']);
    expect([both.code, both.stderr]).toEqual([0, `changes: no database in ${join(dir, 'B')} yet: run \`regwatch refresh\` first\n`]);
  });
});
