import type { Item } from '../model/item.js';
import type { Store } from '../store/store.js';

// The date a view rendered from the store carries (a feed's lastBuildDate and updated, changes.json's
// generatedAt, Last-Modified): never the clock, so an unchanged store answers the same bytes. As
// publishFromStore dates the published files: the newest item, else the newest check of the sources
// the view covers (a filter that leaves nothing), else the epoch (nothing checked yet).

const NOTHING_KNOWN = '1970-01-01T00:00:00.000Z';

export function viewDate(store: Pick<Store, 'sourceState'>, newestFirst: readonly Item[], sourceIds: readonly string[]): string {
  const newestItem = newestFirst[0]?.observedAt;
  if (newestItem !== undefined) return newestItem;
  const checks = sourceIds.map((id) => store.sourceState(id)?.lastCheckedAt ?? '').filter((at) => at !== '');
  return checks.sort().at(-1) ?? NOTHING_KNOWN;
}
