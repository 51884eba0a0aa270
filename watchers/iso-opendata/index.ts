import { open, type FileHandle } from 'node:fs/promises';
import * as z from 'zod';
import type { Licence } from '../../src/model/licence.js';
import { canonicalRecord, recordSchema, type DocumentRecord, type Relation } from '../../src/model/record.js';
import { HARMONIZED_RULES } from '../../src/rules/harmonized-rules.js';
import type { ExtractOutcome, FileKind, WatchScope } from '../kind.js';
import { glance } from './glance.js';
import { scanHead } from './head-scan.js';
import { forEachLine } from './lines.js';
import { firstDuplicateKey } from './duplicate-keys.js';
import { rowToRecord, unresolvedReference, type RowOutcome } from './row.js';
import { familyIds, inScopeAlone, scopeRules, type OpenDataContext, type Supplement } from './scope.js';

// Reads the ISO Open Data `iso_deliverables_metadata` JSONL dump (~80k rows) spooled to a file.
// One streaming pass: every row gets a cheap look (head-scan.ts, or glance.ts where that declines)
// and leaves only its id and byte offset behind; rows in scope are parsed. Rows that join a followed document's family later in
// the pass, and the rows that relations point to, are then read back by offset: a handful of
// positional reads instead of a second pass or holding rows.

export { rowToRecord } from './row.js';
export type { OpenDataContext } from './scope.js';

const MAX_LINE_BYTES = 10_000_000;

export const ISO_OPEN_DATA_LICENCE: Licence = {
  tag: 'proprietary-metadata-only',
  rights: 'ISO/IEC copyright — metadata only',
  attribution: 'Contains ISO Open Data (ISO deliverables metadata), © ISO, licensed under ODC-By 1.0',
  uri: 'https://opendatacommons.org/licenses/by/1-0/',
};

const isoId = z.number().int().positive();

export const openDataOptionsSchema = z
  .object({
    /** Committees whose every row is watched, e.g. `ISO/IEC JTC 1/SC 42`. */
    committees: z.array(z.string().min(1).max(80)).optional(),
    /** Numeric ids of followed documents (42001 = 81230): their amendments, corrigenda and revisions are followed too. */
    documents: z.array(isoId).optional(),
    /** Followed ids that are requirements standards (used for certification). */
    requirementsDocuments: z.array(isoId).optional(),
    /** Also follow every ISO document another source follows (an iso.org page), with its family. */
    followWatched: z.boolean().optional(),
  })
  .strict()
  .refine((o) => (o.committees?.length ?? 0) + (o.documents?.length ?? 0) > 0 || o.followWatched === true, {
    message: 'an iso-opendata source needs committees, documents or followWatched to watch',
  });
export type OpenDataOptions = z.infer<typeof openDataOptionsSchema>;

const ISO_KEY = /^iso:(\d+)$/;

export const isoOpenDataWatcher: FileKind<OpenDataOptions> = {
  input: 'file',
  id: 'iso-opendata',
  version: '1',
  publisher: 'ISO',
  licence: ISO_OPEN_DATA_LICENCE,
  maxResponseBytes: 200_000_000,
  options: openDataOptionsSchema,
  reports: 'catalogue',
  watches: ({ options }, watchedElsewhere) => watchScope(options, watchedElsewhere),
  requirementsKeys: ({ options }) => (options.requirementsDocuments ?? []).map((id) => `iso:${id}`),
  documentUrl: (key) => `https://www.iso.org/standard/${key.slice('iso:'.length)}.html`,
  rules: HARMONIZED_RULES,
  extract: (path, context) =>
    extractOpenData(path, {
      committees: context.scope.groups,
      documents: context.scope.keys.flatMap((key) => ISO_KEY.exec(key)?.[1] ?? []).map(Number),
      knownKeys: context.knownKeys,
    }),
};

function watchScope(options: OpenDataOptions, watchedElsewhere: ReadonlySet<string>): WatchScope {
  const followed = new Set((options.documents ?? []).map((id) => `iso:${id}`));
  if (options.followWatched === true) for (const key of watchedElsewhere) if (ISO_KEY.test(key)) followed.add(key);
  return { keys: [...followed], groups: [...new Set(options.committees ?? [])] };
}

interface Located {
  offset: number;
  length: number;
}

export async function extractOpenData(path: string, context: OpenDataContext): Promise<ExtractOutcome> {
  const rules = scopeRules(context);
  const located = new Map<number, Located>();
  const records = new Map<number, DocumentRecord>();
  const supplements: Supplement[] = [];
  const seen = { rows: 0, problem: null as string | null };

  const read = await forEachLine(path, MAX_LINE_BYTES, (buffer, rawStart, rawEnd, offset, complete) => {
    const [start, end] = trimmed(buffer, rawStart, rawEnd, offset === 0);
    if (start === end) return true;
    if (!complete && !parses(buffer.subarray(start, end))) {
      seen.problem = 'the last line is cut short: the file is incomplete';
      return false;
    }
    const row = scanHead(buffer, start, end) ?? glance(buffer.subarray(start, end));
    if (typeof row === 'string') {
      seen.problem = `line at byte ${offset} ${row}: this is not the deliverables dump`;
      return false;
    }
    seen.rows += 1;
    if (row.id !== null && !located.has(row.id)) located.set(row.id, { offset, length: rawEnd - rawStart });
    if (inScopeAlone(row, rules)) {
      seen.problem = addRecord(records, parseRow(buffer.subarray(start, end), offset));
      return seen.problem === null;
    }
    if (row.id !== null && row.supplementReference !== null) supplements.push({ id: row.id, reference: row.supplementReference });
    return true;
  });

  if (read.kind === 'line-too-long') return failed(`line at byte ${read.offset} is longer than ${MAX_LINE_BYTES} bytes: this is not the deliverables dump`);
  if (seen.problem !== null) return failed(seen.problem);
  if (seen.rows === 0) return failed('the file has no rows');
  // A followed id absent from the dump is source health (the pipeline names it), never a failure of
  // the whole catalogue, and never a withdrawal.

  const handle = await open(path, 'r');
  try {
    const followed = [...rules.followed].flatMap((id) => records.get(id) ?? []);
    for (const id of familyIds(followed, supplements)) {
      if (records.has(id)) continue;
      const where = located.get(id);
      if (where === undefined) continue; // a successor not in the dump: its relation stays unresolved
      const problemAt = addRecord(records, parseRow(await readLineAt(handle, where), where.offset));
      if (problemAt !== null) return failed(problemAt);
    }
    const resolved = await resolveRelations([...records.values()], records, located, handle);
    if (typeof resolved === 'string') return failed(resolved);
    return { kind: 'records', records: resolved.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) };
  } finally {
    await handle.close();
  }
}

function failed(reason: string): ExtractOutcome {
  return { kind: 'extraction-failed', reason: `iso-opendata: ${reason}` };
}

/** A row that says two things at once: never read as either (a related row too). */
type ParsedRow = RowOutcome | { ok: false; reason: string; contradictory: true };

/** The abstract is dropped while parsing, so no record, reason or log line can ever hold it. */
function parseRow(line: Buffer, offset: number): ParsedRow {
  let row: unknown;
  try {
    row = JSON.parse(line.toString('utf8'), (key, value: unknown) => (key === 'scope' ? undefined : value));
  } catch {
    // Not V8's message: it quotes the text around the error, which may be the abstract.
    return { ok: false, reason: `line at byte ${offset} is not valid JSON` };
  }
  const duplicate = firstDuplicateKey(line);
  if (duplicate !== null) {
    return { ok: false, contradictory: true, reason: `line at byte ${offset} gives ${keyName(duplicate)} twice in one object, so its readers would disagree` };
  }
  return rowToRecord(row);
}

/** A key is named only when it looks like a field name: keys are the row's text too. */
function keyName(key: string): string {
  return /^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(key) ? `the key "${key}"` : 'a key';
}

/** Null when added; a reason when the row is invalid or its id came twice with different facts. */
function addRecord(records: Map<number, DocumentRecord>, outcome: ParsedRow): string | null {
  if (!outcome.ok) return `row in scope: ${outcome.reason}`;
  const id = Number(outcome.record.key.slice('iso:'.length));
  const earlier = records.get(id);
  if (earlier !== undefined && JSON.stringify(canonicalRecord(earlier)) !== JSON.stringify(canonicalRecord(outcome.record))) {
    return `row in scope: id ${id} appears twice with different facts`;
  }
  records.set(id, outcome.record);
  return null;
}

/**
 * Relations name the other row by id; its reference (and a successor's status, which is what says
 * a new edition is out: classify.ts) are taken from that row in the same dump. A predecessor's
 * status is left out: its withdrawal is an item of its own, not a change of every successor.
 */
async function resolveRelations(
  list: DocumentRecord[],
  records: ReadonlyMap<number, DocumentRecord>,
  located: ReadonlyMap<number, Located>,
  handle: FileHandle,
): Promise<DocumentRecord[] | string> {
  const others = new Map<number, ParsedRow | null>();
  const lookUp = async (id: number): Promise<ParsedRow | null> => {
    const inScope = records.get(id);
    if (inScope !== undefined) return { ok: true, record: inScope };
    if (!others.has(id)) {
      const where = located.get(id);
      others.set(id, where === undefined ? null : parseRow(await readLineAt(handle, where), where.offset));
    }
    return others.get(id)!;
  };
  const out: DocumentRecord[] = [];
  for (const record of list) {
    if (record.relations === undefined) {
      out.push(record);
      continue;
    }
    const relations: Relation[] = [];
    for (const relation of record.relations) {
      const id = Number(relation.key!.slice('iso:'.length));
      const outcome = await lookUp(id);
      if (outcome !== null && !outcome.ok && 'contradictory' in outcome) return `related row ${id}: ${outcome.reason}`;
      // A related row that is odd in another way stays unresolved: it is not this source's document.
      const other = outcome?.ok ? outcome.record : null;
      if (other === null) {
        relations.push({ kind: relation.kind, key: relation.key, reference: unresolvedReference(id) });
      } else if (relation.kind === 'replaced-by') {
        relations.push({ kind: relation.kind, key: relation.key, reference: other.reference, status: other.status });
      } else {
        relations.push({ kind: relation.kind, key: relation.key, reference: other.reference });
      }
    }
    out.push(recordSchema.parse({ ...record, relations }));
  }
  return out;
}

async function readLineAt(handle: FileHandle, where: Located): Promise<Buffer> {
  const buffer = Buffer.alloc(where.length);
  await handle.read(buffer, 0, where.length, where.offset);
  return buffer.subarray(...trimmed(buffer, 0, buffer.length, where.offset === 0));
}

/** The line without surrounding blanks (and the file's byte order mark, on its first line). */
function trimmed(buffer: Buffer, rawStart: number, rawEnd: number, first: boolean): [number, number] {
  let start = first && buffer[rawStart] === 0xef && buffer[rawStart + 1] === 0xbb && buffer[rawStart + 2] === 0xbf ? rawStart + 3 : rawStart;
  let end = rawEnd;
  while (start < end && isSpace(buffer[start]!)) start += 1;
  while (end > start && isSpace(buffer[end - 1]!)) end -= 1;
  return [start, end];
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d;
}

function parses(line: Buffer): boolean {
  try {
    JSON.parse(line.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
