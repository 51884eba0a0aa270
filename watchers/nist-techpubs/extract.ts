import { recordSchema, type DocumentRecord, type Relation } from '../../src/model/record.js';
import type { ExtractContext, ExtractOutcome } from '../kind.js';
import { formatIdentifier, keyOf, keyOfIdentifier } from '../nist-csrc/identifier.js';
import { labelRank, versionWords } from '../nist-csrc/versions.js';
import type { TechpubsOptions } from './options.js';
import { readList, type ListEntry } from './list.js';

// A NIST-Tech-Pubs series list read into one validated record per followed publication (its
// versions as relations).

export function extractTechpubs(body: string, context: ExtractContext<TechpubsOptions>): ExtractOutcome {
  const list = readList(body);
  if (list.kind !== 'entries') return { kind: list.kind, reason: `nist-techpubs: ${list.reason}` };
  const followed = context.options.documents === undefined ? null : new Set(context.options.documents.map((d) => keyOfIdentifier(d)!));
  const byKey = new Map<string, ListEntry[]>();
  for (const entry of list.entries) {
    const key = keyOf(entry.id);
    if (followed !== null && !followed.has(key)) continue;
    const versions = byKey.get(key) ?? byKey.set(key, []).get(key)!;
    // the same version listed twice says nothing more (the first one stands)
    if (!versions.some((v) => v.stage === entry.stage)) versions.push(entry);
  }
  const records: DocumentRecord[] = [];
  for (const [key, versions] of [...byKey].sort(([a], [b]) => a.localeCompare(b))) {
    const record = toRecord(key, versions);
    const parsed = recordSchema.safeParse(record);
    if (!parsed.success) {
      return {
        kind: 'extraction-failed',
        reason: `nist-techpubs: ${record.reference}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ')}`,
      };
    }
    records.push(parsed.data);
  }
  return { kind: 'records', records };
}

function toRecord(key: string, entries: ListEntry[]): DocumentRecord {
  const versions = [...entries].sort((a, b) => labelRank(a.stage) - labelRank(b.stage));
  const final = versions.find((v) => v.stage === 'final');
  const current = final ?? versions[versions.length - 1]!;
  const reference = `NIST ${formatIdentifier(current.id)}`;
  const record: DocumentRecord = {
    key,
    reference,
    status: final ? 'published' : 'under-development',
    phase: final ? 'published' : 'enquiry',
    stageLabel: versionWords(current.stage),
    version: current.stage,
  };
  if (current.title !== undefined) record.title = current.title.length <= 400 ? current.title : `${current.title.slice(0, 399)}…`;
  if (current.date !== undefined) record.publicationDate = current.date;
  record.relations = versions.map((v): Relation => {
    // the list says nothing of withdrawals: a draft with a final listed is taken as superseded by it
    const status = v.stage === 'final' ? 'published' : final ? 'withdrawn' : 'under-development';
    const relation: Relation = { kind: 'version', reference: `${reference} ${v.stage}`, stageLabel: v.stage, status };
    if (v.date !== undefined) relation.date = v.date;
    return relation;
  });
  return record;
}
