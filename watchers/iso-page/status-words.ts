import type { Status } from '../../src/model/record.js';
import { foldLabel } from './page-text.js';

// The publisher's status words, English and French, as glyph titles, labels and life-cycle heads.
// "Published (Under review)" is a confirmed standard: still published.
const STATUS_WORDS: ReadonlyArray<readonly [RegExp, Status]> = [
  [/^(published|publiee)\b/, 'published'],
  [/^(under development|projet|en cours d'elaboration|en developpement)\b/, 'under-development'],
  [/^(withdrawn|annulee)\b/, 'withdrawn'],
  [/^(deleted|supprimee)\b/, 'deleted'],
];

export function statusFromWords(text: string): Status | undefined {
  const folded = foldLabel(text);
  return STATUS_WORDS.find(([pattern]) => pattern.test(folded))?.[1];
}
