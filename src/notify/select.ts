import { filterRank, sourcesOf, type Item } from '../model/item.js';
import type { NotifyChannel } from './channel-config.js';

/**
 * Whether a channel delivers this item: at least its minSeverity, and seen by one of its sources when
 * it lists any (the lead or any source in alsoSeenBy: the item is in each of their feeds too).
 */
export function channelWants(channel: Pick<NotifyChannel, 'minSeverity' | 'sources'>, item: Pick<Item, 'severity' | 'source' | 'alsoSeenBy'>): boolean {
  if (filterRank(item.severity) > filterRank(channel.minSeverity)) return false;
  if (channel.sources === undefined) return true;
  return sourcesOf(item).some((source) => channel.sources!.includes(source));
}
