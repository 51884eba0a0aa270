import type { DocumentRecord } from './record.js';

// Whether a document belongs to a watched document's family, and how: its amendment or corrigendum
// (`ISO/IEC 42001:2023/Amd 1`), or its revision (a document that replaces it). Pure.

export interface Family {
  role: 'amendment' | 'corrigendum' | 'revision';
  /** The watched document's key. */
  parent: string;
}

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
    return { role: /\bCor\b|\bCOR\b/.test(supplement) ? 'corrigendum' : 'amendment', parent: key };
  }
  return null;
}
