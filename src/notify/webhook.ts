import type { Item } from '../model/item.js';
import type { WebhookChannel } from './channel-config.js';
import { deliveryId } from './delivery-id.js';
import { postHttp, type HttpMessage, type HttpPostDeps } from './http-post.js';
import { publishedForm } from './message-facts.js';
import type { DeliveryOutcome } from './outcome.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signBody } from './signature.js';

// A webhook delivery: one JSON document per item, signed. The item travels untouched inside an
// envelope (not with a field added) so receivers validate it with changes.schema.json's item, which
// allows no extra keys.

export interface WebhookBody {
  version: 1;
  deliveryId: string;
  channel: string;
  item: Item;
}

export interface WebhookMessage extends HttpMessage {
  deliveryId: string;
}

export function buildWebhookMessage(raw: Item, channel: Pick<WebhookChannel, 'id' | 'url'>, secret: string): WebhookMessage {
  const item = publishedForm(raw);
  const id = deliveryId(channel.id, item.id);
  const document: WebhookBody = { version: 1, deliveryId: id, channel: channel.id, item };
  const body = JSON.stringify(document);
  return {
    url: channel.url,
    deliveryId: id,
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      [DELIVERY_HEADER]: id,
      [SIGNATURE_HEADER]: signBody(body, secret),
    },
  };
}

export function sendWebhook(message: WebhookMessage, deps: HttpPostDeps): Promise<DeliveryOutcome> {
  return postHttp(message, deps);
}
