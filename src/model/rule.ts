import type { DocumentRecord } from './record.js';
import type { EventType, FieldChange, Severity } from './item.js';

// The shape of one severity rule (spec/severity.md as tables of small pure functions). A publisher's
// life cycle is a list of rules; the classifier runs them all, the strongest finding leads the item
// and the others are named in it.

export interface RuleContext {
  /** A requirements standard (ISO/IEC 42001, 42006): some events rank higher. */
  requirements: boolean;
  /** Keys of every document watched in this run ("critical if it replaces a watched edition"). */
  watchedKeys: ReadonlySet<string>;
  /** Keys of the watched requirements standards ("critical when it adopts a watched requirements standard"). */
  requirementsKeys: ReadonlySet<string>;
  /** Their references without the year (`ISO/IEC 42001`): an adoption names the standard it adopts by reference only. */
  requirementsReferences: ReadonlySet<string>;
  /** The document is an amendment, corrigendum or revision of a watched document, or null. */
  family: Family | null;
}

export interface Family {
  role: 'amendment' | 'corrigendum' | 'revision';
  /** The watched document's key. */
  parent: string;
}

export interface Transition {
  before: DocumentRecord;
  after: DocumentRecord;
  /** The field-level diff of before → after (`field` names like `stage`, `dates.commentTo`, `relations.version`). */
  changes: FieldChange[];
  context: RuleContext;
}

export interface Finding {
  event: EventType;
  severity: Severity;
  /** What happened, after the reference, in the publisher's own words: "FDIS ballot initiated [50.20], was …". */
  words: string;
  /** The key of the related document whose move this reports (its amendment published, its successor out). */
  about?: string;
  /**
   * When what it reports was published, where the source gives it (an IEC amendment's PUB_DATE, a NIST
   * final's release date): the finding's effective date, labelled publication date, rather than the
   * record's own dates (a history has none; a NIST record's is its newest update's).
   */
  publishedOn?: string;
}

export type Rule = (t: Transition) => Finding | Finding[] | null;
