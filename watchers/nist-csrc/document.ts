import { recordSchema, type DocumentRecord, type Phase, type Relation, type Status } from '../../src/model/record.js';
import { cleanIdentifier, formatIdentifier, keyOf, parseIdentifier } from './identifier.js';
import { oneLine, type Row } from './row.js';
import { labelRank, versionWords } from './versions.js';

// The rows of one publication (its drafts, final and updates, ghosts already dropped) → one
// DocumentRecord. Everything is derived from facts that survive CSRC's 2023 migration (the
// identifier, status, substage, dates, supersession): the URL only lends its version segment
// (`/ipd`, `/upd1/final`), and the pre-2023 rows (`/draft`, `/final`, `/archive/<date>`) get the
// same labels from their order and `iteration`, so a document reads the same before and after.

interface Version {
  label: string;
  row: Row;
}

/** `SP 800-53 Rev. 5` as CSRC writes it, without a draft marker, `White Paper`, `NIST` or an update suffix. */
export function csrcReference(identifier: string): string {
  return cleanIdentifier(identifier)
    .replace(/^NIST\s+/i, '')
    .replace(/\s*-?upd\d+$/i, '')
    .trim();
}

export function buildDocument(key: string, rows: readonly Row[]): DocumentRecord | string {
  const versions = labelVersions(rows);
  const finals = versions.filter((v) => v.row.status === 'final');
  const drafts = versions.filter((v) => v.row.status !== 'final');
  const newest = (list: Version[]) => list[list.length - 1];
  const activeFinal = newest(finals.filter((v) => v.row.substage === 'active'));
  const current = activeFinal ?? newest(finals) ?? newest(drafts)!;

  const replaces = links(key, rows, 'supersedes', 'replaces');
  const replacedBy = links(key, rows, 'supersededBy', 'replaced-by');

  let status: Status;
  let phase: Phase;
  let stageLabel: string;
  if (activeFinal !== undefined) {
    [status, phase, stageLabel] = ['published', 'published', current.label === 'final' ? 'final' : `final (${versionWords(current.label)})`];
  } else if (finals.length > 0) {
    [status, phase, stageLabel] = ['withdrawn', 'withdrawn', 'withdrawn'];
  } else if (current.row.substage === 'active') {
    [status, phase, stageLabel] = ['under-development', current.row.status === 'draft-prelim' ? 'proposal' : 'enquiry', versionWords(current.label)];
  } else if (current.row.substage === 'withdrawn' && replacedBy.length > 0) {
    [status, phase, stageLabel] = ['withdrawn', 'withdrawn', 'withdrawn draft'];
  } else {
    // retired, or withdrawn with no later version of it and nothing superseding it: abandoned
    [status, phase, stageLabel] = ['deleted', 'deleted', current.row.substage === 'retired' ? 'retired draft' : 'withdrawn draft'];
  }

  const record: DocumentRecord = { key, reference: csrcReference(current.row.identifier), status, phase, stageLabel, version: current.label };
  if (current.row.title !== undefined) record.title = clip(current.row.title, 400);
  if (current.row.published !== undefined) record.publicationDate = current.row.published;

  const dates: NonNullable<DocumentRecord['dates']> = {};
  const openDraft = newest(drafts.filter((v) => v.row.substage === 'active'));
  if (openDraft?.row.commentFrom !== undefined) dates.commentFrom = openDraft.row.commentFrom;
  if (openDraft?.row.commentTo !== undefined) dates.commentTo = openDraft.row.commentTo;
  if (current.row.status === 'final') {
    if (current.row.issued !== undefined) dates.issued = current.row.issued;
    if (current.row.updated !== undefined) dates.updated = current.row.updated;
  }
  if (status === 'withdrawn' || status === 'deleted') {
    if (current.row.obsoleted !== undefined) dates.withdrawal = current.row.obsoleted;
  }
  if (Object.keys(dates).length > 0) record.dates = dates;

  const reference = record.reference;
  const relations: Relation[] = versions.map((v) => {
    const relation: Relation = { kind: 'version', reference: `${reference} ${v.label}`, stageLabel: v.label, status: versionStatus(v.row) };
    if (v.row.published !== undefined) relation.date = v.row.published;
    return relation;
  });
  relations.push(...replaces, ...replacedBy);
  record.relations = relations;

  const parsed = recordSchema.safeParse(record);
  if (!parsed.success) return `${reference}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ')}`;
  return parsed.data;
}

/**
 * Labels every row with its version. Since 2023 the URL says it (`/2pd`, `/upd1/final`); before,
 * a draft's `iteration` (`2`, `final`) or else its place among the drafts, and a final's place
 * among the finals (the first is the final, each later one an update) say it. A final re-issued in
 * place (pre-2023: same URL, `updated-date` set, published after its issue month) is an update.
 */
function labelVersions(rows: readonly Row[]): Version[] {
  const byDate = [...rows].sort((a, b) => (a.published ?? '').localeCompare(b.published ?? '') || a.uri.localeCompare(b.uri));
  const out: Version[] = [];
  let draftCount = 0;
  let finalCount = 0;
  for (const row of byDate) {
    const segments = row.uri.replace(/\/+$/, '').split('/');
    const last = segments[segments.length - 1] ?? '';
    let label: string;
    if (row.status === 'draft-prelim') {
      label = 'pred';
    } else if (row.status !== 'final') {
      draftCount += 1;
      label = /^(ipd|fpd|\d+pd)$/.test(last) ? last : draftLabel(row.iteration, draftCount);
    } else {
      const update = segments.map((s) => /^upd(\d+)$/.exec(s)).find((m) => m !== null);
      if (update) label = `upd${update[1]}`;
      else if (finalCount === 0) label = reissued(row) ? 'upd1' : 'final';
      else label = `upd${finalCount}`;
      finalCount += 1;
    }
    out.push({ label, row });
  }
  // two rows with the same label (should not happen): the later keeps its date to stay apart
  const used = new Set<string>();
  for (const v of out) {
    if (used.has(v.label)) v.label = `${v.label} (${v.row.published ?? 'undated'})`;
    used.add(v.label);
  }
  return out.sort((a, b) => (a.row.published ?? '').localeCompare(b.row.published ?? '') || labelRank(a.label) - labelRank(b.label));
}

function draftLabel(iteration: string | null, ordinal: number): string {
  const it = iteration?.trim().toLowerCase() ?? '';
  if (it === 'final' || it === 'fpd') return 'fpd';
  if (it === 'ipd' || it === 'initial' || it === '1') return 'ipd';
  if (/^\d+$/.test(it)) return `${it}pd`;
  if (/^\d+pd$/.test(it)) return it;
  return ordinal === 1 ? 'ipd' : `${ordinal}pd`;
}

function reissued(row: Row): boolean {
  return (
    row.uri.includes('/publications/detail/') &&
    row.updated !== undefined &&
    row.published !== undefined &&
    row.issued !== undefined &&
    row.published.slice(0, 7) > row.issued.slice(0, 7)
  );
}

function versionStatus(row: Row): Status {
  if (row.substage === 'active') return row.status === 'final' ? 'published' : 'under-development';
  return row.substage === 'retired' ? 'deleted' : 'withdrawn';
}

/** Supersession links to OTHER publications; those between versions of this one are its versions. */
function links(key: string, rows: readonly Row[], field: 'supersedes' | 'supersededBy', kind: 'replaces' | 'replaced-by'): Relation[] {
  const out = new Map<string, Relation>();
  for (const row of rows) {
    for (const link of row[field]) {
      const id = parseIdentifier(link.identifier);
      const other = id === null ? null : keyOf(id);
      const reference = id === null ? csrcReference(link.identifier) : formatIdentifier(id);
      if (other === key || reference === '') continue;
      const relation: Relation = { kind, reference: clip(oneLine(reference), 120) };
      if (other !== null) relation.key = other;
      out.set(other ?? reference, relation);
    }
  }
  return [...out.values()].sort((a, b) => (a.key ?? a.reference).localeCompare(b.key ?? b.reference));
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
