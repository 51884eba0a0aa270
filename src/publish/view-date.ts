import type { Store } from '../store/store.js';

// The date a file or view rendered from the store carries (a feed's lastBuildDate and updated,
// changes.json's generatedAt, Last-Modified): never the clock, so an unchanged store gives the same
// bytes. The most recently observed item, else the newest check of the sources it covers (none yet,
// or a filter that leaves nothing), else the epoch (nothing checked yet). The published files and
// the server's views alike.

const NOTHING_KNOWN = '1970-01-01T00:00:00.000Z';

/** When the most recently observed of these items was observed (a run's items are in key order, not time order). */
export function newestObservedAt(items: ReadonlyArray<{ observedAt: string }>): string | undefined {
  let newest: string | undefined;
  for (const item of items) if (newest === undefined || item.observedAt > newest) newest = item.observedAt;
  return newest;
}

/** `newestItemAt`: when the view's most recently observed item was observed, if it has one. */
export function viewDate(store: Pick<Store, 'sourceState'>, newestItemAt: string | undefined, sourceIds: readonly string[]): string {
  if (newestItemAt !== undefined) return newestItemAt;
  const checks = sourceIds.map((id) => store.sourceState(id)?.lastCheckedAt ?? '').filter((at) => at !== '');
  return checks.sort().at(-1) ?? NOTHING_KNOWN;
}
