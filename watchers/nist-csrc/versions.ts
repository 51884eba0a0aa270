import type { Relation, Status } from '../../src/model/record.js';

// A NIST publication's versions and NIST's words for them. The version label is NIST's own
// abbreviation (PubID stage codes and CSRC's URL segments): `ipd` initial public draft, `2pd`…`npd`,
// `fpd` final public draft, `pred` preliminary draft, `final`, `upd1`… for each update of a final.
// The record lists them as `version` relations, oldest first: `{ reference: 'SP 800-218A ipd',
// stageLabel: 'ipd', status, date }`, which is all the rules read.

export type VersionClass = 'draft' | 'final';

export function versionClass(label: string): VersionClass {
  return /^(final|upd\d+)$/.test(label) ? 'final' : 'draft';
}

const ORDINAL = ['zeroth', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'];

/** NIST's words for a version label: `initial public draft`, `second public draft`, `final`, `update 1`. */
export function versionWords(label: string): string {
  const [base, ...rest] = label.split(' ');
  const extra = rest.length > 0 ? ` ${rest.join(' ')}` : '';
  if (base === 'ipd') return `initial public draft${extra}`;
  if (base === 'fpd') return `final public draft${extra}`;
  if (base === 'pred') return `preliminary draft${extra}`;
  if (base === 'final') return `final${extra}`;
  const draft = /^(\d+)pd$/.exec(base ?? '');
  if (draft) return `${ORDINAL[Number(draft[1])] ?? `${draft[1]}th`} public draft${extra}`;
  const update = /^upd(\d+)$/.exec(base ?? '');
  if (update) return `update ${update[1]}${extra}`;
  return label;
}

/** Order of versions with the same date: drafts before finals, a final before its updates. */
export function labelRank(label: string): number {
  if (label === 'pred') return 0;
  if (label === 'ipd') return 1;
  const draft = /^(\d+)pd/.exec(label);
  if (draft) return Number(draft[1]);
  if (label.startsWith('fpd')) return 90;
  if (label.startsWith('final')) return 100;
  const update = /^upd(\d+)/.exec(label);
  return update ? 100 + Number(update[1]) : 50;
}

export interface VersionFact {
  label: string;
  class: VersionClass;
  status: Status | undefined;
  date: string | undefined;
}

/** The versions a record lists, oldest first (whatever order a canonical form put the relations in). */
export function versionsOf(relations: readonly Relation[] | undefined): VersionFact[] {
  return (relations ?? [])
    .filter((r) => r.kind === 'version' && r.stageLabel !== undefined)
    .map((r) => ({ label: r.stageLabel!, class: versionClass(r.stageLabel!), status: r.status, date: r.date }))
    .sort((a, b) => (a.date ?? '').localeCompare(b.date ?? '') || labelRank(a.label) - labelRank(b.label));
}
