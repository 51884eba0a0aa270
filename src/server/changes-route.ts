import * as z from 'zod';
import type { Store } from '../store/store.js';
import { SEVERITY_ORDER, type Item, type Severity } from '../model/item.js';
import { sanitizeDeep } from '../publish/sanitize.js';
import { RegwatchError } from '../model/errors.js';
import { contentTypeOf, representation, type Representation } from './representation.js';
import { viewDate } from '../publish/view-date.js';

// /changes.json?source=&min-severity=&since=&cursor=&limit=: the changelog of spec/outputs.md
// filtered and paged from the store, plus `nextCursor` (null on the last page). Without a query the
// published file is served instead (see http-server.ts).

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

export interface ChangesQuery {
  source?: string;
  minSeverity?: Severity;
  /** ISO 8601 UTC instant. */
  since?: string;
  cursor?: number;
  limit: number;
}

/** A /changes.json query parameter the server cannot use: answered 400 with `{error, parameter}`. */
export class QueryError extends RegwatchError<'REGWATCH_BAD_QUERY'> {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super('REGWATCH_BAD_QUERY', `${parameter}: ${message}`);
  }
}

// A date, or a date-time with seconds and a zone: what `since` accepts.
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * The instant `since` names, or null. Fields are range-checked first: Date.parse rolls
 * 2025-02-30 over to 2 March instead of refusing it.
 */
function sinceInstant(text: string): string | null {
  const dateOnly = DATE.exec(text);
  const match = dateOnly ?? DATE_TIME.exec(text);
  if (match === null) return null;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] = match
    .slice(1)
    .map((f) => (f === undefined ? 0 : Number(f)));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const instant = Date.parse(dateOnly !== null ? `${text}T00:00:00Z` : text);
  return Number.isNaN(instant) ? null : new Date(instant).toISOString();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function querySchema(sourceIds: readonly string[]) {
  return z
    .object({
      source: z
        .string()
        .refine((id) => sourceIds.includes(id), { message: `is not a configured source (known: ${sourceIds.join(', ')})` })
        .optional(),
      'min-severity': z.enum(SEVERITY_ORDER as [Severity, ...Severity[]], { message: `must be one of ${SEVERITY_ORDER.join(', ')}` }).optional(),
      since: z
        .string()
        // A "+01:00" written into a URL as it is arrives as " 01:00": a query decodes "+" as a space.
        .refine((s) => !/T\S+ \d{2}:?\d{2}$/.test(s), { message: 'has a space where its zone was: write the "+" of "+01:00" as %2B in a URL' })
        .refine((s) => sinceInstant(s) !== null, {
          message: 'must be a date (2025-06-01) or an ISO 8601 date-time with a zone (2025-06-01T06:00:00Z), and a real one',
        })
        .transform((s) => sinceInstant(s)!)
        .optional(),
      cursor: z
        .string()
        .regex(/^[1-9]\d{0,14}$/, 'must be a nextCursor value from a previous page')
        .transform(Number)
        .optional(),
      limit: z
        .string()
        .regex(/^\d{1,7}$/, `must be a whole number from 1 to ${MAX_PAGE}`)
        .transform(Number)
        .refine((n) => n >= 1 && n <= MAX_PAGE, `must be a whole number from 1 to ${MAX_PAGE}`)
        .optional(),
    })
    .strict();
}

/** Throws QueryError naming the first bad parameter. */
export function parseChangesQuery(params: URLSearchParams, sourceIds: readonly string[]): ChangesQuery {
  const raw: Record<string, string> = {};
  for (const [name, value] of params) {
    if (Object.hasOwn(raw, name)) throw new QueryError(name, 'is given more than once');
    raw[name] = value;
  }
  const result = querySchema(sourceIds).safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      throw new QueryError(issue.keys[0]!, 'is not a parameter of changes.json (source, min-severity, since, cursor, limit)');
    }
    throw new QueryError(String(issue.path[0]), issue.message);
  }
  const q = result.data;
  return {
    ...(q.source !== undefined ? { source: q.source } : {}),
    ...(q['min-severity'] !== undefined ? { minSeverity: q['min-severity'] } : {}),
    ...(q.since !== undefined ? { since: q.since } : {}),
    ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    limit: q.limit ?? DEFAULT_PAGE,
  };
}

export interface ChangesPage {
  rep: Representation;
  nextCursor: number | null;
}

/** `sourceIds`: the configured sources, whose newest check dates a store with no item yet. */
export function changesPage(store: Store, query: ChangesQuery, sourceIds: readonly string[]): ChangesPage {
  const { items, nextCursor } = store.items({
    ...(query.source !== undefined ? { source: query.source } : {}),
    ...(query.minSeverity !== undefined ? { minSeverity: query.minSeverity } : {}),
    ...(query.since !== undefined ? { since: query.since } : {}),
    ...(query.cursor !== undefined ? { before: query.cursor } : {}),
    limit: query.limit,
  });
  // As publishFromStore dates the published file: the newest fact stored, never the clock, so an
  // unchanged store answers with the same bytes and ETag.
  const generatedAt = viewDate(store, store.newestObservedAt(), sourceIds);
  const body = { version: 1, generatedAt, items: sanitizeDeep(items) as Item[], nextCursor };
  return { rep: representation(`${JSON.stringify(body)}\n`, contentTypeOf('changes.json'), new Date(generatedAt)), nextCursor };
}

/**
 * The `Link: <…>; rel="next"` target: the same query one page further, as a reference relative to
 * the request (`changes.json?…`), so that behind a proxy serving under a path (publicUrl
 * https://example.org/regwatch/) it stays under that path.
 */
export function nextPageUrl(requestUrl: URL, nextCursor: number): string {
  const next = new URL(requestUrl.href);
  next.searchParams.set('cursor', String(nextCursor));
  return `${next.pathname.slice(next.pathname.lastIndexOf('/') + 1)}${next.search}`;
}
