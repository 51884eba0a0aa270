import type * as z from 'zod';

// Where zod's issues become the lines a user reads (`sources[0].licence: must be one of …`). zod's
// own English ("Invalid input: expected string, received undefined") names its types, not the
// user's mistake. The wording here replaces only zod's defaults: a message a schema sets itself
// (`.min(1, 'must be at least 1 (seconds)')`, a refinement's) takes precedence over a parse's error map.

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

/** Parse options for every config schema: plain messages, and the input kept so unions can be narrowed. */
export const CONFIG_PARSE = { error: issueMessage, reportInput: true } as const satisfies z.core.ParseContext<Issue>;

/** `sources[2].url` from zod's path array. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(root)';
}

/** One line per bad field: an unknown key each, and a union's issues when only one of its forms fits the input. */
export function issueLines(prefix: readonly PropertyKey[], issues: readonly Issue[]): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${formatPath([...path, key])}: ${issue.message}`);
    const branch = issue.code === 'invalid_union' ? fittingBranch(issue) : undefined;
    return branch === undefined ? [`${formatPath(path)}: ${issue.message}`] : issueLines(path, branch);
  });
}

/** zod's error map: undefined leaves zod's own text (codes a config schema does not produce). */
function issueMessage(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${typeName(issue.expected)} (got ${valueKind(issue.input)})`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${String(issue.values[0])}` : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      return boundText('at least', 'above', issue.minimum, issue);
    case 'too_big':
      return boundText('at most', 'below', issue.maximum, issue);
    case 'invalid_format':
      return issue.format === 'url' ? 'must be a URL' : issue.format === 'email' ? 'must be an email address' : `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `is not a known setting (known: ${knownKeys(issue.inst).join(', ') || 'none'})`;
    case 'invalid_union':
      return unionText(issue);
    case 'custom':
      return 'is not valid';
    default:
      return undefined;
  }
}

function boundText(
  inclusiveWord: string,
  exclusiveWord: string,
  bound: number | bigint,
  issue: { origin: string; inclusive?: boolean; exact?: boolean },
): string {
  const relation = issue.exact === true ? 'exactly' : issue.inclusive === false ? exclusiveWord : inclusiveWord;
  const plural = Number(bound) === 1 ? '' : 's';
  const sized = issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set';
  if (sized && relation === 'at least' && plural === '') return 'must not be empty';
  if (issue.origin === 'string') return `must be ${relation} ${bound} character${plural} long`;
  if (sized) return `must list ${relation} ${bound} item${plural}`;
  return `must be ${relation} ${bound}`;
}

/** A discriminated union names its discriminator's values; another union what each of its forms takes. */
function unionText(issue: RawIssue & { code: 'invalid_union' }): string {
  if (issue.discriminator !== undefined && 'options' in issue && Array.isArray(issue.options)) {
    const given = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
    return `${given === undefined ? 'is required, as' : 'must be'} one of ${issue.options.map(String).join(', ')}`;
  }
  const values = issue.errors.flatMap((branch) => branch.flatMap((i) => (i.path.length === 0 && i.code === 'invalid_value' ? i.values : [])));
  const types = issue.errors.flatMap((branch) => branch.flatMap((i) => (i.path.length === 0 && i.code === 'invalid_type' ? [typeName(i.expected)] : [])));
  const forms = [...(values.length > 0 ? [`one of ${values.map(String).join(', ')}`] : []), ...types];
  if (forms.length === 0) return 'matches none of the accepted forms';
  return `must be ${forms.join(', or ')}${issue.input === undefined ? '' : ` (got ${valueKind(issue.input)})`}`;
}

/** The one form of a union that takes the input's type (a licence given as an object), if only one does. */
function fittingBranch(issue: Issue & { code: 'invalid_union' }): Issue[] | undefined {
  const mismatch = (i: Issue) =>
    i.path.length === 0 && (i.code === 'invalid_type' || (i.code === 'invalid_value' && !i.values.some((v) => typeof v === typeof issue.input)));
  const fitting = issue.errors.filter((branch) => !branch.some(mismatch));
  return fitting.length === 1 ? fitting[0] : undefined;
}

function knownKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
  return shape === undefined ? [] : Object.keys(shape);
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a JSON object',
  array: 'an array',
  int: 'a whole number',
  boolean: 'true or false',
  string: 'a string',
  number: 'a number',
};
const typeName = (expected: string) => TYPE_NAMES[expected] ?? expected;

function valueKind(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'boolean' || typeof input === 'number') return String(input);
  return typeof input === 'object' ? 'an object' : `a ${typeof input}`;
}
