import type { CheckOutcome } from '../pipeline/context.js';
import { visibleControls } from './terminal-text.js';

/** `regwatch refresh`: one line per source, its verdict and what changed (or why it could not be checked). */
export function formatRefreshOutcomes(outcomes: CheckOutcome[]): string {
  const width = Math.max(0, ...outcomes.map((o) => o.sourceId.length));
  return outcomes
    .map((outcome) => {
      const what = outcome.verdict === 'changed' ? outcome.summaries.join('; ') : (outcome.detail ?? '');
      return `${visibleControls(outcome.sourceId).padEnd(width)}  ${outcome.verdict.padEnd(17)}  ${visibleControls(what)}`.trimEnd();
    })
    .map((line) => `${line}\n`)
    .join('');
}
