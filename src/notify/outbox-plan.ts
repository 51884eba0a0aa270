import type { Item } from '../model/item.js';
import type { Outbox, PlannedDelivery } from '../store/store.js';
import type { NotifyChannel } from './channel-config.js';
import { deliveryId, digestDeliveryId } from './delivery-id.js';
import { channelWants } from './select.js';

// Which new items each channel is owed, as outbox rows: one per item, or one digest per refresh
// for an email channel in digest mode. Pure; the store writes the rows in the transaction that
// creates the items. The keys are those the messages will carry (messagesFor builds the same).

/** `created`: the items one compose stored, oldest first. Per-item rows go out oldest first; a digest lists its items newest first. */
export function plannedDeliveries(channels: readonly NotifyChannel[], created: readonly Item[]): PlannedDelivery[] {
  const planned: PlannedDelivery[] = [];
  for (const channel of channels) {
    const wanted = created.filter((item) => channelWants(channel, item));
    if (wanted.length === 0) continue;
    if (channel.type === 'email' && channel.mode === 'digest') {
      const itemIds = wanted.map((item) => item.id).reverse();
      planned.push({ channelId: channel.id, key: digestDeliveryId(channel.id, itemIds), itemIds });
      continue;
    }
    for (const item of wanted) planned.push({ channelId: channel.id, key: deliveryId(channel.id, item.id), itemIds: [item.id] });
  }
  return planned;
}

/** What composeItems queues with the items it creates at `at`. */
export function outboxFor(channels: readonly NotifyChannel[], at: Date): Outbox {
  return { plan: (created) => plannedDeliveries(channels, created), at: at.toISOString() };
}
