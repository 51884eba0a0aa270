import type { Phase, Status } from '../../src/model/record.js';
import { foldLabel } from './page.js';

// CEN's status words (the "Status" row of a project page) onto the record's status and common phase.
// The vocabulary is the search form's (recorded in cen-search-*): "Preliminary Stage", "Under Draft",
// "Under Approval (Under Enquiry)" (two boxes: Enquiry is drawn as a part of Approval), "Approved",
// "Published", "Withdrawn"; result lists shorten the first to "Preliminary". CEN prints no stage
// code, so the phase is read off these words:
//   Preliminary   → proposal    a preliminary work item: registered, not yet on the work programme
//   Under Draft   → drafting    the working group drafts (ISO 20–30)
//   Under Enquiry → enquiry     the prEN is out for CEN Enquiry: public comment and national vote (ISO 40, DIS)
//   Under Approval→ approval    the FprEN is in Formal Vote (ISO 50, FDIS)
//   Approved      → publishing  ratified (DOR set), the text not yet available (ISO 60.00)
//   Published     → published   available (DAV reached)
//   Withdrawn     → withdrawn
// "Under Approval (Under Enquiry)" as one phrase means the enquiry part of approval: enquiry is
// matched first.

const WORDS: ReadonlyArray<readonly [RegExp, Status, Phase]> = [
  [/\benquiry\b/, 'under-development', 'enquiry'],
  [/^preliminary\b/, 'under-development', 'proposal'],
  [/^under draft/, 'under-development', 'drafting'],
  [/^under approval\b|\bformal vote\b/, 'under-development', 'approval'],
  [/^approved\b/, 'under-development', 'publishing'],
  [/^published\b/, 'published', 'published'],
  [/^withdrawn\b/, 'withdrawn', 'withdrawn'],
];

export function statusFromWords(words: string): { status: Status; phase: Phase } | undefined {
  const folded = foldLabel(words);
  const found = WORDS.find(([pattern]) => pattern.test(folded));
  return found === undefined ? undefined : { status: found[1], phase: found[2] };
}
