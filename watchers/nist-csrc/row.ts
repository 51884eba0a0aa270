import { partialDateSchema } from '../../src/model/record.js';

// One element of pubs-export.json: one VERSION of one publication (a draft, the final, an update).
// Only the life-cycle fields are read; authors, editors, keywords, DOIs (which churn between
// exports) and the URL (rewritten in 2023) never reach a record.

export interface Link {
  identifier: string;
}

export interface Row {
  identifier: string;
  uri: string;
  status: 'final' | 'draft-public' | 'draft-prelim';
  substage: 'active' | 'withdrawn' | 'retired';
  iteration: string | null;
  published?: string;
  issued?: string;
  updated?: string;
  obsoleted?: string;
  commentFrom?: string;
  commentTo?: string;
  title?: string;
  supersedes: Link[];
  supersededBy: Link[];
}

const STATUSES = new Set(['final', 'draft-public', 'draft-prelim']);
const SUBSTAGES = new Set(['active', 'withdrawn', 'retired']);

/** The identifier and URL every element must have; null for an element that is not a catalogue record. */
export function glance(raw: unknown): { identifier: string; uri: string } | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const r = raw as Record<string, unknown>;
  return typeof r.docidentifier === 'string' && typeof r.uri === 'string' ? { identifier: r.docidentifier, uri: r.uri } : null;
}

/** CSRC's duplicate records (`…/sp/800/226/ipd-(1)`): they flip draft ↔ final between exports and vanish. */
export function isGhost(uri: string): boolean {
  return /-\(\d+\)\/?$/.test(uri);
}

/** A row of a followed publication, or why it cannot be read (a format change: extraction-failed). */
export function readRow(raw: unknown): Row | string {
  const seen = glance(raw);
  if (seen === null) return 'is not a record with docidentifier and uri';
  const r = raw as Record<string, unknown>;
  if (typeof r.status !== 'string' || !STATUSES.has(r.status)) return `status ${JSON.stringify(r.status)} is not final, draft-public or draft-prelim`;
  if (typeof r.substage !== 'string' || !SUBSTAGES.has(r.substage)) return `substage ${JSON.stringify(r.substage)} is not active, withdrawn or retired`;
  if (r.iteration != null && typeof r.iteration !== 'string') return 'iteration is not a string';
  const row: Row = {
    identifier: seen.identifier,
    uri: seen.uri,
    status: r.status as Row['status'],
    substage: r.substage as Row['substage'],
    iteration: (r.iteration as string | null | undefined) ?? null,
    supersedes: [],
    supersededBy: [],
  };
  const dates: Array<[keyof Row, string]> = [
    ['published', 'published-date'],
    ['issued', 'issued-date'],
    ['updated', 'updated-date'],
    ['obsoleted', 'obsoleted-date'],
    ['commentFrom', 'comment-from'],
    ['commentTo', 'comment-to'],
  ];
  for (const [field, name] of dates) {
    const value = r[name];
    if (value == null || value === '') continue;
    if (typeof value !== 'string' || !partialDateSchema.safeParse(value).success) return `${name} ${JSON.stringify(value)} is not a date`;
    if (value.startsWith('0001-')) continue; // CSRC's placeholder for "no date"
    (row as unknown as Record<string, string>)[field] = value;
  }
  const title = [r['title-main'], r['title-sub']].filter((t): t is string => typeof t === 'string' && t.trim() !== '').map(oneLine);
  if (title.length > 0) row.title = title.join(': ');
  for (const [field, name] of [
    ['supersedes', 'supersedes'],
    ['supersededBy', 'superseded-by'],
  ] as const) {
    const links = r[name] ?? [];
    if (!Array.isArray(links)) return `${name} is not a list`;
    for (const link of links) {
      const identifier = (link as { docidentifier?: unknown } | null)?.docidentifier;
      if (typeof identifier !== 'string') return `${name} has an entry without docidentifier`;
      if (identifier.trim() !== '') row[field].push({ identifier });
    }
  }
  return row;
}

/** One trimmed line without control characters (the record's text fields are single lines). */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\s\u00a0]+/g, ' ').trim();
}
