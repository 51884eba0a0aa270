import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OperatorError } from '../model/operator-error.js';

// The command line: global options (before or after the command), each command's own options,
// and the checks every value gets before anything is opened or fetched.

export function usage(message: string): OperatorError {
  return new OperatorError('REGWATCH_USAGE', message);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Taken by every command, and also before the command: `regwatch --config f refresh`. */
export const GLOBAL_OPTIONS = {
  config: { type: 'string' },
  data: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies Options;

const GLOBAL_WITH_VALUE = new Set(['--config', '--data']);
const HELP_FLAGS = new Set(['-h', '--help']);
const VERSION_FLAGS = new Set(['-v', '--version']);

/** What an empty value stands in for: `--data "$UNSET"` would otherwise be the current folder. */
const WANTED: Readonly<Record<string, string>> = { config: 'a file', data: 'a folder' };

export interface Invocation {
  /** The global options given before the command, as `--data=d` and `--help`; handed on to the command. */
  leading: string[];
  command: string | undefined;
  rest: string[];
  help: boolean;
  version: boolean;
}

/** Splits `regwatch [global options] <command> [arguments]`. */
export function readInvocation(argv: readonly string[]): Invocation {
  const leading: string[] = [];
  let help = false;
  let version = false;
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith('-'); i += 1) {
    const token = argv[i]!;
    const name = token.split('=', 1)[0]!;
    if (GLOBAL_WITH_VALUE.has(name)) {
      const value = token === name ? argv[++i] : token.slice(name.length + 1);
      // `--data --help changes`: a folder named "--help" is far less likely than a forgotten value.
      if (value === undefined || (token === name && value.startsWith('-'))) throw usage(`${name}: needs a value`);
      refuseEmpty(name.slice(2), value);
      if (leading.some((given) => given.startsWith(`${name}=`))) {
        throw usage(`${name} is given more than once before the command (one before it and one after it may be: the one after wins)`);
      }
      leading.push(`${name}=${value}`);
    } else if (HELP_FLAGS.has(token)) {
      help = true;
      leading.push('--help');
    } else if (VERSION_FLAGS.has(token)) {
      version = true;
    } else {
      throw usage(`unknown option "${token}" before the command (there: --config, --data, --help, --version; see regwatch --help)`);
    }
  }
  return { leading, command: argv[i], rest: argv.slice(i + 1), help, version };
}

/**
 * What the command parses: the global options given before it, less those given again after it
 * (an alias's --data, overridden: the one after the command wins), then its own arguments.
 */
export function commandArgs(leading: readonly string[], rest: readonly string[]): string[] {
  const { tokens } = parseArgs({ args: [...rest], options: GLOBAL_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const after = new Set(tokens.flatMap((token) => (token.kind === 'option' && GLOBAL_WITH_VALUE.has(token.rawName) ? [token.rawName] : [])));
  return [...leading.filter((token) => !after.has(token.split('=', 1)[0]!)), ...rest];
}

/** `regwatch <command> --version`: parseCommand throws it, and main prints the version, as for `regwatch --version`. */
export class VersionAsked extends Error {
  constructor() {
    super('--version');
  }
}

/** A command's arguments: the global options and its own, strictly; at most `positionals` positionals. */
export function parseCommand<T extends Options>(command: string, args: string[], options: T, positionals = 0) {
  const all = { ...GLOBAL_OPTIONS, ...options };
  const joined = negativeValuesJoined(args, all);
  refuseBadArguments(command, parseArgs({ args: joined, options: all, allowPositionals: true, strict: false, tokens: true }).tokens, all, positionals);
  const parsed = strictly(command, () => parseArgs({ args: joined, options: all, allowPositionals: positionals > 0, strict: true }));
  if ((parsed.values as { version?: boolean }).version) throw new VersionAsked();
  return { values: parsed.values, positionals: parsed.positionals };
}

/** Only what refuseBadArguments does not foresee reaches the catch, in parseArgs' own words. */
function strictly<R>(command: string, parse: () => R): R {
  try {
    return parse();
  } catch (error) {
    throw usage(`${command}: ${(error as Error).message}`);
  }
}

/**
 * `--last -1` as `--last=-1`: parseArgs would call the value ambiguous (it looks like an option),
 * where the option's own check says what is wrong with it.
 */
function negativeValuesJoined(args: string[], options: Options): string[] {
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

type Token =
  | { kind: 'option'; name: string; rawName: string; value: string | undefined; inlineValue: boolean | undefined }
  | { kind: 'positional'; value: string }
  | { kind: 'option-terminator' };

/**
 * The first bad argument, named with its command: what parseArgs would refuse in its own words
 * (an unknown option, a missing value, a stray argument), and what it takes silently: an empty
 * value, and an option given twice, which is a mistake to name, not a choice of the last one
 * (commandArgs has already dropped a global option given before the command and again after it).
 */
function refuseBadArguments(command: string, tokens: readonly Token[], options: Options, positionals: number): void {
  const see = `see regwatch help ${command}`;
  const given = new Set<string>();
  let count = 0;
  for (const token of tokens) {
    if (token.kind === 'positional' && ++count > positionals) {
      throw usage(`${command}: unexpected argument "${token.value}" (${command} takes ${ARGUMENTS[positionals] ?? positionals}; ${see})`);
    }
    if (token.kind !== 'option') continue;
    const { name, rawName, value } = token;
    const option = options[name];
    if (option === undefined) throw usage(`${command}: unknown option "${rawName}" (${command} takes ${optionList(options)}; ${see})`);
    if (option.type === 'boolean') {
      if (value !== undefined) throw usage(`${command}: ${rawName}: takes no value (given "${value}"; ${see})`);
      continue;
    }
    if (value === undefined) throw usage(`${command}: ${rawName}: needs a value (${see})`);
    if (!token.inlineValue && value.startsWith('-')) {
      throw usage(`${command}: ${rawName}: needs a value ("${value}" is an option; a value that starts with - is written --${name}=${value})`);
    }
    refuseEmpty(name, value);
    if (given.has(name) && !option.multiple) throw usage(`${command}: --${name} is given more than once`);
    given.add(name);
  }
}

const ARGUMENTS: Readonly<Record<number, string>> = { 0: 'no arguments', 1: 'one argument' };

/** The command's own options first, then those every command takes. */
function optionList(options: Options): string {
  const names = [...Object.keys(options).filter((name) => !Object.hasOwn(GLOBAL_OPTIONS, name)), ...Object.keys(GLOBAL_OPTIONS)];
  return names.map((name) => `--${name}`).join(', ');
}

function refuseEmpty(name: string, value: string): void {
  if (value === '') throw usage(`--${name}: is empty (give ${WANTED[name] ?? 'a value'})`);
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
