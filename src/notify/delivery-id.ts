import { createHash } from 'node:crypto';

// The idempotency key of one delivery, sent as X-Regwatch-Delivery (and as the email Message-ID's
// seed): the same item to the same channel always has the same key, so a resend after a crash
// between "sent" and "marked sent" is recognisable as a duplicate by the receiver.

/** `<channel id>:<item id>`, e.g. `ops-hook:tag:regwatch,2026:iso_42005/iso:44545/3`; bytes outside visible ASCII percent-encoded (header-safe). */
export function deliveryId(channelId: string, itemId: string): string {
  return headerSafe(`${channelId}:${itemId}`);
}

/** A digest's key: the channel and the exact set of items it carries, in order. */
export function digestDeliveryId(channelId: string, itemIds: readonly string[]): string {
  const digest = createHash('sha256').update(itemIds.join('\n')).digest('hex').slice(0, 32);
  return headerSafe(`${channelId}:digest:${digest}`);
}

function headerSafe(text: string): string {
  return text.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}
