import type { Observation } from '../model/observation.js';
import { PHASES, type Phase } from '../model/record.js';
import { phaseOfStage } from '../rules/harmonized-stages.js';
import type { JoinRule } from '../model/composition.js';

// One change seen by several sources on different days is one item. Every item of a document keeps
// where it left the document (items.state); a later group of observations joins the document's
// newest item, instead of making another, when it reports the same move and none of its sources
// already reported that item. Pure: the store looks the newest item up and writes, this decides.

/** Where an item leaves its document: its event, and the harmonized stage code and common phase it reached. */
export interface ItemState {
  event: string;
  stage: string | null;
  /** null only in a state stored before phases existed with no stage to derive one from. */
  phase: Phase | null;
}

export function itemStateOf(event: string, lead: Pick<Observation, 'stage' | 'phase'>): ItemState {
  return { event, stage: lead.stage, phase: lead.phase ?? phaseFromStage(lead.stage) };
}

/** `published|60.60|published`; `final-published||published` for a publisher without stage codes. */
export function encodeItemState(state: ItemState): string {
  return `${state.event}|${state.stage ?? ''}|${state.phase ?? ''}`;
}

const STAGE = /^\d{2}\.\d{2}$/;

/** Also reads `event|stage`, as versions before phases stored it (`dis-ballot|40.20`, `published|`); null for anything else. */
export function decodeItemState(text: string): ItemState | null {
  const [event, stageText, phaseText, ...rest] = text.split('|');
  if (!event || stageText === undefined || rest.length > 0) return null;
  if (stageText !== '' && !STAGE.test(stageText)) return null;
  const stage = stageText === '' ? null : stageText;
  if (phaseText === undefined || phaseText === '') return { event, stage, phase: phaseFromStage(stage) };
  return isPhase(phaseText) ? { event, stage, phase: phaseText } : null;
}

/**
 * Same event, and where both have a stage code the same code, else the same phase (a page with a
 * code and a catalogue without one can report the same move). A state stored before phases with no
 * stage has no phase to compare: it matches as it did then, only a state without a stage either.
 */
export function sameMove(a: ItemState, b: ItemState): boolean {
  if (a.event !== b.event) return false;
  if (a.stage !== null && b.stage !== null) return a.stage === b.stage;
  if (a.phase !== null && b.phase !== null) return a.phase === b.phase;
  return a.stage === b.stage;
}

export type { JoiningItem, JoinRule, NewestItem } from '../model/composition.js';

/**
 * A source never reports one change twice: if it already reported the newest item, this is a new
 * move. A first observation (baseline) of a document other sources already report joins their item.
 */
export const joinsNewestItem: JoinRule = (newest, candidate) => {
  if (candidate.sources.some((source) => newest.sources.includes(source))) return false;
  const next = decodeItemState(candidate.state);
  if (next === null) return false;
  if (next.event === 'baseline') return true;
  const stored = newest.state === null ? null : decodeItemState(newest.state);
  return stored !== null && sameMove(stored, next);
};

function phaseFromStage(stage: string | null): Phase | null {
  return stage === null ? null : phaseOfStage(stage);
}

function isPhase(text: string): text is Phase {
  return (PHASES as readonly string[]).includes(text);
}
