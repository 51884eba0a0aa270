import { z } from 'zod';
import { recordSchema, type DocumentRecord, type Relation } from '../../src/model/record.js';
import type { ExtractContext, ExtractOutcome, PageKind } from '../kind.js';
import { formatIdentifier, keyOf, keyOfIdentifier } from '../nist-csrc/identifier.js';
import { NIST_LICENCE, nistIdentifierSchema } from '../nist-csrc/index.js';
import { draftReleased, finalPublished, unlistedRecord } from '../nist-csrc/rules.js';
import { labelRank, versionWords } from '../nist-csrc/versions.js';
import { readList, type ListEntry } from './list.js';

// A series list of NIST-Tech-Pubs, NIST Research Library's own metadata of NIST Technical Series
// publications: https://pages.nist.gov/NIST-Tech-Pubs/AI.html lists the NIST AI series (AI 100-1
// AI RMF, AI 100-2e2023, AI 100-3), which the CSRC catalogue does not carry. One record per
// listed publication, its ipd and final as versions, keyed like CSRC's (`nist:AI.100-1`,
// `nist:AI.100-2e2023`), so the same rules apply.
//
// A weak source (../shared/fixtures/nist/README.md §3): the HTML lists stopped in 2024 (the page now
// says it has moved, and that page is reported `unreadable`, see list.ts), it says nothing of
// withdrawals or comment periods, and its dates are often only a year. NIST's data slips seen in
// the recordings — `error: NIST AI 100-1`, `NIST AI NIST AI 100-2e2023 ipd`, `2023` becoming
// `January 2023`, titles and authors rewritten — change no key and raise no event.

export const techpubsOptionsSchema = z
  .object({
    /** Publications to follow (`NIST AI 100-1`, `AI 100-2e2023`); every listed one when absent. */
    documents: z.array(nistIdentifierSchema).min(1).max(500).optional(),
  })
  .strict();
export type TechpubsOptions = z.infer<typeof techpubsOptionsSchema>;

export const nistTechpubs: PageKind<TechpubsOptions> = {
  id: 'nist-techpubs',
  version: '1',
  publisher: 'NIST',
  licence: NIST_LICENCE,
  maxResponseBytes: 2_000_000,
  options: techpubsOptionsSchema,
  input: 'text',
  reports: 'catalogue',
  documentUrl: (key) => `https://doi.org/10.6028/NIST.${key.slice('nist:'.length)}`,
  watches: ({ options }) => ({ keys: [...new Set((options.documents ?? []).map((d) => keyOfIdentifier(d)!))], groups: [] }),
  placeholder: unlistedRecord,
  // The list's titles, authors and dates are rewritten without news (README §3): only versions count.
  rules: [finalPublished, draftReleased],
  unclassifiedChanges: 'quiet',
  extract: extractTechpubs,
};

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
      return { kind: 'extraction-failed', reason: `nist-techpubs: ${record.reference}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ')}` };
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
