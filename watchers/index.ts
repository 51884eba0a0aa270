import type { WatcherKind } from './kind.js';
import { isoPageWatcher } from './iso-page/index.js';
import { isoOpenDataWatcher } from './iso-opendata/index.js';
import { iecWebstore } from './iec-webstore/index.js';
import { cenProjectKind } from './cen-project/index.js';
import { nistCsrc } from './nist-csrc/index.js';
import { nistTechpubs } from './nist-techpubs/index.js';

// The one list of the kinds of source regwatch can watch. Which documents are watched is data (the
// watch list, the config), never code: adding a standard needs no new file, adding a kind of
// source is one folder and one line here (README "Adding a kind of source").

// Each kind is called only with options its own schema validated, so the list may forget their types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKind = WatcherKind<any>;

export const KINDS: readonly AnyKind[] = [isoPageWatcher, isoOpenDataWatcher, iecWebstore, cenProjectKind, nistCsrc, nistTechpubs];

export const KIND_IDS = KINDS.map((kind) => kind.id);

export function kindOf(id: string): AnyKind {
  const kind = KINDS.find((k) => k.id === id);
  if (kind === undefined) throw new Error(`no kind of source "${id}" (kinds: ${KIND_IDS.join(', ')})`);
  return kind;
}
