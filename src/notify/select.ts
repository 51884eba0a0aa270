import { filterRank, type Item } from '../model/item.js';
import type { NotifyChannel } from './channel-config.js';

/** Whether a channel delivers this item: at least its minSeverity, and of one of its sources when it lists any. */
export function channelWants(channel: Pick<NotifyChannel, 'minSeverity' | 'sources'>, item: Pick<Item, 'severity' | 'source'>): boolean {
  if (filterRank(item.severity) > filterRank(channel.minSeverity)) return false;
  return channel.sources === undefined || channel.sources.includes(item.source);
}
