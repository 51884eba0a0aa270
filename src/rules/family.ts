import type { DocumentRecord } from '../model/record.js';
import type { Family } from '../model/rule.js';

// Whether a document belongs to a watched document's family, and how: its amendment or corrigendum
// (`ISO/IEC 42001:2023/Amd 1`, `IEC 60050-102:2007/AMD1:2017`), or its revision (a document that
// replaces it). Pure.

export type { Family };

const CORRIGENDUM = /\bCor\b|\bCOR\b/;

export function familyOf(record: DocumentRecord, watchedReferences: ReadonlyMap<string, string>): Family | null {
  if (watchedReferences.has(record.key)) return null;
  for (const relation of record.relations ?? []) {
    if (relation.kind === 'replaces' && relation.key !== undefined && watchedReferences.has(relation.key)) {
      return { role: 'revision', parent: relation.key };
    }
  }
  for (const [key, reference] of watchedReferences) {
    if (!record.reference.startsWith(`${reference}/`)) continue;
    const supplement = record.reference.slice(reference.length + 1);
    return { role: CORRIGENDUM.test(supplement) ? 'corrigendum' : 'amendment', parent: key };
  }
  return null;
}

/** `ISO/IEC 42001:2023` → `ISO/IEC 42001`; `EN ISO/IEC 42001:2023/A1:2025` keeps its supplement. */
export function undatedReference(reference: string): string {
  return reference.replace(/:\d{4}(?=$|\/)/g, '').trim();
}
