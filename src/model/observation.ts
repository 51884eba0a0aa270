import type { FieldChange, Provenance } from './item.js';
import type { Licence } from './licence.js';
import type { Classification } from '../rules/classify.js';
import type { Phase } from './record.js';

// What one source saw change in one document during one check (or a health event of a source).
// Observations are durable; items are composed from them (src/pipeline/compose.ts).

export interface Observation {
  sourceId: string;
  /** The document the item is about (a source's `sameAs` key when it has one); null for a source-health observation. */
  docKey: string | null;
  /** The document's n-th observed change in this source (1 = baseline): part of the stable item id. */
  seq: number;
  documentUrl: string;
  reference: string;
  /** Where the document now stands: its harmonized stage code, where the publisher has one. */
  stage: string | null;
  /** …and its common phase (absent on observations stored before phases existed). */
  phase?: Phase;
  observedAt: string;
  classification: Classification;
  changes: FieldChange[];
  provenance: Provenance;
  licence: Licence;
}
