import type { Phase, Status } from '../model/record.js';

// Harmonized ISO/IEC stage codes (ISO/IEC Directives Part 1, Annex SD) with the publisher's own
// short wording, used verbatim in feed summaries (spec/severity.md rule 5). ISO writes one on every
// record; IEC and CEN use the same system behind their own abbreviations; a record without a code
// is classified on its common phase.

const STAGE_WORDING: Readonly<Record<string, string>> = {
  '00.00': 'proposal for new project received',
  '00.20': 'proposal for new project under review',
  '00.60': 'close of review',
  '00.98': 'proposal for new project abandoned',
  '00.99': 'approval to ballot proposal for new project',
  '10.00': 'proposal for new project registered',
  '10.20': 'new project ballot initiated',
  '10.60': 'close of voting',
  '10.92': 'proposal returned to submitter for further definition',
  '10.98': 'new project rejected',
  '10.99': 'new project approved',
  '20.00': 'new project registered in TC/SC work programme',
  '20.20': 'working draft (WD) study initiated',
  '20.60': 'close of comment period',
  '20.98': 'project deleted',
  '20.99': 'WD approved for registration as CD',
  '30.00': 'committee draft (CD) registered',
  '30.20': 'CD study/ballot initiated',
  '30.60': 'close of voting/comment period',
  '30.92': 'CD referred back to working group',
  '30.98': 'project deleted',
  '30.99': 'CD approved for registration as DIS',
  '40.00': 'DIS registered',
  '40.20': 'DIS ballot initiated',
  '40.60': 'close of voting',
  '40.92': 'full report circulated: DIS referred back to TC or SC',
  '40.93': 'full report circulated: decision for new DIS ballot',
  '40.98': 'project deleted',
  '40.99': 'full report circulated: DIS approved for registration as FDIS',
  '50.00': 'FDIS registered for formal approval',
  '50.20': 'FDIS ballot initiated',
  '50.60': 'close of voting, proof returned by secretariat',
  '50.92': 'FDIS referred back to TC or SC',
  '50.98': 'project deleted',
  '50.99': 'FDIS approved for publication',
  '60.00': 'under publication',
  '60.60': 'published',
  '90.20': 'under systematic review',
  '90.60': 'close of review',
  '90.92': 'to be revised',
  '90.93': 'confirmed',
  '90.99': 'withdrawal proposed by TC or SC',
  '95.20': 'withdrawal ballot initiated',
  '95.60': 'close of voting on withdrawal',
  '95.92': 'decision not to withdraw',
  '95.99': 'withdrawn',
};

export function isValidStage(code: string): boolean {
  return Object.hasOwn(STAGE_WORDING, code);
}

/** "FDIS ballot initiated [50.20]"; an unknown code is shown bare rather than invented. */
export function describeStage(code: string): string {
  const words = STAGE_WORDING[code];
  return words === undefined ? `stage ${code}` : `${words} [${code}]`;
}

/** ISO Open Data writes stages as integers: 6060 → "60.60". Null for anything else. */
export function stageFromInteger(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 9999) return null;
  const digits = String(value).padStart(4, '0');
  return `${digits.slice(0, 2)}.${digits.slice(2)}`;
}

/** The stage's phase: "40.20" → 40. */
export function stagePhase(code: string): number {
  return Number(code.slice(0, 2));
}

/** Ordering of stage codes as numbers: "40.20" → 4020. */
export function stageOrdinal(code: string): number {
  return Number(code.replace('.', ''));
}

/** 60.00 is still "Under development" on iso.org; 90.xx and 95.20–95.92 are still published. */
export function statusOfStage(code: string): Status {
  if (code.endsWith('.98')) return 'deleted';
  if (code === '95.99') return 'withdrawn';
  return stageOrdinal(code) >= 6060 ? 'published' : 'under-development';
}

/** The common phase of a harmonized stage code. */
export function phaseOfStage(code: string): Phase {
  if (code.endsWith('.98')) return 'deleted';
  if (code === '95.99') return 'withdrawn';
  const phase = stagePhase(code);
  if (phase <= 10) return 'proposal';
  if (phase <= 30) return 'drafting';
  if (phase === 40) return 'enquiry';
  if (phase === 50) return 'approval';
  if (phase === 60) return code === '60.60' ? 'published' : 'publishing';
  if (phase === 90) return 'review';
  return 'withdrawing';
}
