import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OperatorError } from '../model/operator-error.js';

// The command line: global options (before or after the command), each command's own options,
// and the checks every value gets before anything is opened or fetched.

export function usage(message: string): OperatorError {
  return new OperatorError('REGWATCH_USAGE', message);
}

/** Taken by every command, and also before the command: `regwatch --config f refresh`. */
const GLOBAL = {
  config: { type: 'string' },
  data: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

const GLOBAL_WITH_VALUE = new Set(['--config', '--data']);
const HELP_FLAGS = new Set(['-h', '--help']);
const VERSION_FLAGS = new Set(['-v', '--version']);

export interface Invocation {
  /** The global options given before the command, as written; handed on to the command. */
  leading: string[];
  command: string | undefined;
  rest: string[];
  help: boolean;
  version: boolean;
}

/** Splits `regwatch [global options] <command> [arguments]`. */
export function readInvocation(argv: readonly string[]): Invocation {
  const leading: string[] = [];
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith('-'); i += 1) {
    const token = argv[i]!;
    const name = token.split('=', 1)[0]!;
    if (GLOBAL_WITH_VALUE.has(name)) {
      if (token === name) {
        const value = argv[i + 1];
        if (value === undefined) throw usage(`${name}: needs a value`);
        leading.push(token, value);
        i += 1;
      } else {
        leading.push(token);
      }
    } else if (HELP_FLAGS.has(token) || VERSION_FLAGS.has(token)) {
      leading.push(token);
    } else {
      throw usage(`unknown option "${token}" before the command (there: --config, --data, --help, --version; see regwatch --help)`);
    }
  }
  return {
    leading: leading.filter((token) => !VERSION_FLAGS.has(token)),
    command: argv[i],
    rest: argv.slice(i + 1),
    help: leading.some((token) => HELP_FLAGS.has(token)),
    version: leading.some((token) => VERSION_FLAGS.has(token)),
  };
}

/** A command's arguments: the global options and its own, strictly; at most `positionals` positionals. */
export function parseCommand<T extends ParseArgsConfig['options']>(command: string, args: string[], options: T, positionals = 0) {
  const all = { ...GLOBAL, ...options };
  try {
    const parsed = parseArgs({ args: negativeValuesJoined(args, all), options: all, allowPositionals: positionals > 0, strict: true, tokens: true });
    if (parsed.positionals.length > positionals) throw usage(`${command}: unexpected argument "${parsed.positionals[positionals]}"`);
    refuseRepeatedValues(command, parsed.tokens, all);
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    if (error instanceof OperatorError) throw error;
    throw usage(`${command}: ${(error as Error).message}`);
  }
}

/**
 * `--last -1` as `--last=-1`: parseArgs would call the value ambiguous (it looks like an option),
 * where the option's own check says what is wrong with it.
 */
function negativeValuesJoined(args: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') return [...out, ...args.slice(i)]; // what follows is positional, as written
    const name = args[i]!.startsWith('--') ? args[i]!.slice(2) : undefined;
    const value = args[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && value !== undefined && /^-\d/.test(value)) {
      out.push(`--${name}=${value}`);
      i += 1;
    } else {
      out.push(args[i]!);
    }
  }
  return out;
}

/**
 * A command's own option given twice is a mistake to name, not a choice of the last one. The global
 * ones may come twice: one before the command (an alias's --data) and one after it, which wins.
 */
function refuseRepeatedValues(command: string, tokens: ReadonlyArray<{ kind: string; name?: string }>, options: NonNullable<ParseArgsConfig['options']>): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined || token.name in GLOBAL) continue;
    if (options[token.name]?.type !== 'string' || options[token.name]?.multiple) continue;
    if (seen.has(token.name)) throw usage(`${command}: --${token.name} is given more than once`);
    seen.add(token.name);
  }
}

/** Digits only, within [min, max]: `1e300`, `2.5` and `-1` are refused, not rounded or overflowed. */
export function wholeNumber(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw usage(`--${name}: "${value}" is not a whole number from ${min} to ${max}`);
  return n;
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw usage(`--${name}: "${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}
