// The severities of spec/severity.md, without zod: `regwatch --help` and `regwatch changes` name
// and order them before (or without) loading any schema.

export const SEVERITIES = ['baseline', 'critical', 'major', 'minor', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Strongest first, for --min-severity and sorting: a first observation says nothing has changed yet,
 * so `baseline` ranks below `info` (min-severity info hides baselines; min-severity baseline shows all).
 */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'major', 'minor', 'info', 'baseline'];

export function filterRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

/** What an empty table says: under a --min-severity filter, that none is that strong, not that none exists. */
export function noChangesText(minSeverity?: Severity): string {
  if (minSeverity === undefined || minSeverity === 'baseline') return 'No changes recorded yet.';
  if (minSeverity === 'critical') return 'No critical changes recorded yet.';
  return `No changes of severity ${minSeverity} or above recorded yet.`;
}
