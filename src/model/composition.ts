import type { Item } from './item.js';
import type { Observation } from './observation.js';

// The contract between composing items (src/pipeline/compose.ts, join-rule.ts: the rules) and the
// store that runs them inside one transaction (src/store/items.ts: the SQL).

/** An observation waiting for its item, as stored. */
export interface PendingObservation {
  rowId: number;
  runId: number;
  observation: Observation;
}

/**
 * A group's item, null when all it says is told by other documents' items of the run, and those
 * documents (`toldBy`): their items are filed under this group's sources too, so each source's feed
 * still shows the change. `state`: where the item leaves its document, stored with it so that a
 * later source reporting the same move joins it (join-rule.ts); null without an item or a document.
 */
export interface Composed {
  item: Item | null;
  toldBy: string[];
  state: string | null;
}

export interface Composer {
  /** Pending observations in the groups (one per document per run) and the order their items are made in. */
  groups(pending: readonly PendingObservation[]): PendingObservation[][];
  /** One group's item; `run` is every observation of the group's run. */
  compose(group: Observation[], run: readonly Observation[]): Composed;
}

/** What the store knows of a document's newest item: its stored state (null on health items) and every source that reported it. */
export interface NewestItem {
  state: string | null;
  sources: readonly string[];
}

/** A composed item looking for a home: its encoded state and the sources of its observations. */
export interface JoiningItem {
  state: string;
  sources: readonly string[];
}

export type JoinRule = (newest: NewestItem, candidate: JoiningItem) => boolean;
