import { whatChanged } from '../publish/item-facts.js';
import { filterRank, type Item, type Severity } from '../model/item.js';
import { noChangesText } from '../model/severity.js';
import { markdownText } from './markdown.js';

// The "Recent Changes" table of a reference page: Date | Severity | What changed. Source-health items
// are about the watcher, not the standard: the provenance block shows the source's state instead.

export type Vocabulary = 'regwatch' | 'reference';

/** spec/severity.md: the three-word vocabulary of AI-governance reference pages. */
const REFERENCE_WORDS: Record<Severity, string> = {
  critical: 'version_bump',
  major: 'substantive',
  minor: 'substantive',
  info: 'editorial',
  baseline: 'baseline',
};

export function severityWord(severity: Severity, vocabulary: Vocabulary): string {
  return vocabulary === 'reference' ? REFERENCE_WORDS[severity] : severity;
}

export interface TableOptions {
  last: number;
  vocabulary: Vocabulary;
  minSeverity?: Severity;
}

/** The table's lines, newest first as given. */
export function changesTableLines(items: readonly Item[], options: TableOptions): string[] {
  const shown = items
    .filter((item) => item.event !== 'source-health')
    .filter((item) => options.minSeverity === undefined || filterRank(item.severity) <= filterRank(options.minSeverity))
    .slice(0, Math.max(0, Math.floor(options.last)));
  if (shown.length === 0) return [noChangesText(options.minSeverity)];
  return [
    '| Date | Severity | What changed |',
    '| --- | --- | --- |',
    ...shown.map(
      (item) => `| ${[item.observedAt.slice(0, 10), severityWord(item.severity, options.vocabulary), whatChanged(item)].map(markdownText).join(' | ')} |`,
    ),
  ];
}
