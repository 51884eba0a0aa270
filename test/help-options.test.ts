import { describe, expect, it, vi } from 'vitest';
import type { ParseArgsConfig } from 'node:util';

// The README's promise that `regwatch --help` and `regwatch help <command>` describe every option,
// checked against the parsers themselves: each command's option table is taken from its call to
// parseCommand (so a new option without a line of help fails here), and every option must have a
// line of its own in the help, not only a mention in the usage line.

const { tables } = vi.hoisted(() => ({ tables: new Map<string, NonNullable<ParseArgsConfig['options']>>() }));

vi.mock('../src/cli/args.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/cli/args.js')>();
  const parseCommand: typeof actual.parseCommand = (command, args, options, positionals) => {
    tables.set(command, options ?? {});
    return actual.parseCommand(command, args, options, positionals);
  };
  return { ...actual, parseCommand };
});

const { main } = await import('../src/cli/main.js');
const { GLOBAL_OPTIONS } = await import('../src/cli/args.js');
const { COMMAND_NAMES } = await import('../src/cli/help-text.js');

/** What `regwatch <args>` prints on stdout, and its exit code. */
async function helpOf(args: string[]): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await main(args, { out: (t) => (text += t), err: (t) => (text += t), lostOutput: () => Promise.resolve(null) });
  return { code, text };
}

/** A line of its own: `  --last N   at most N items`, or `  -h, --help  …`. */
function describes(text: string, option: string): boolean {
  return new RegExp(`^ +(-[a-z], )?--${option}\\b`, 'm').test(text);
}

/** --help and --version mean the same for every command: the general help says it once. */
const SAID_ONCE = new Set(['help', 'version']);

describe('help', () => {
  it.each(COMMAND_NAMES)('regwatch help %s describes every option its parser takes, on a line of its own', async (command) => {
    const { code, text } = await helpOf([command, '--help']);
    expect(code).toBe(0);
    const table = tables.get(command);
    expect(table, `${command} parsed its arguments with parseCommand`).toBeDefined();
    const options = Object.keys({ ...GLOBAL_OPTIONS, ...table }).filter((name) => !SAID_ONCE.has(name));
    expect(options.filter((name) => !describes(text, name))).toEqual([]);
    expect((await helpOf(['help', command])).text).toBe(text);
  });

  it('regwatch --help describes every option taken on either side of a command', async () => {
    const { code, text } = await helpOf(['--help']);
    expect(code).toBe(0);
    expect(Object.keys(GLOBAL_OPTIONS).filter((name) => !describes(text, name))).toEqual([]);
  });

  it("names the exit codes refresh's README names", async () => {
    const text = (await helpOf(['help', 'refresh'])).text.replace(/\s+/g, ' ');
    expect(text).toContain('2 bad command line, config, data folder or database');
  });

  it('says inspect exits 3 when the page could not be read or gave no record', async () => {
    expect((await helpOf(['help', 'inspect'])).text).toMatch(/Exit: 0 [^\n]*; 3 /);
  });
});
