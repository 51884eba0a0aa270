import type { Transporter } from 'nodemailer';
import type { Item } from '../model/item.js';
import type { NotifyChannel } from './channel-config.js';
import { buildDigestEmail, buildItemEmail, sendEmail, type EmailMessage } from './email.js';
import { postHttp, type HttpMessage, type HttpPostDeps } from './http-post.js';
import type { MessageOptions } from './message-facts.js';
import type { DeliveryOutcome } from './outcome.js';
import { chatTargetUrl, webhookSecret, type Env } from './secrets.js';
import { channelWants } from './select.js';
import { buildSlackMessage } from './slack.js';
import { buildTeamsMessage } from './teams.js';
import { buildWebhookMessage } from './webhook.js';
import { deliveryId } from './delivery-id.js';

// Issue 12's channels, as pieces for the outbox: which items a channel wants, the messages for a
// run, and one attempt at sending one of them. Building is deterministic (same items, same
// environment → same bytes, same signature), so an outbox can store only ids and rebuild at send.

export * from './channel-config.js';
export * from './delivery-id.js';
export * from './email.js';
export * from './http-post.js';
export * from './message-facts.js';
export * from './outcome.js';
export * from './retry-policy.js';
export * from './secrets.js';
export * from './select.js';
export * from './signature.js';
export * from './slack.js';
export * from './teams.js';
export * from './webhook.js';

export type Outbound =
  | { kind: 'http'; channelId: string; channelType: 'webhook' | 'slack' | 'teams'; deliveryId: string; itemIds: string[]; message: HttpMessage }
  | { kind: 'email'; channelId: string; channelType: 'email'; deliveryId: string; itemIds: string[]; message: EmailMessage };

export interface BuildContext extends MessageOptions {
  env: Env;
  allowPrivateNetwork: boolean;
}

/**
 * The messages one channel gets for the items of one run (newest first): one per wanted item, or one
 * digest for an email channel in digest mode. Throws NotifyError (NOTIFY_SECRET_MISSING,
 * NOTIFY_BAD_TARGET, NOTIFY_BAD_ITEM) naming the channel and the variable, never a value.
 */
export function messagesFor(channel: NotifyChannel, items: readonly Item[], context: BuildContext): Outbound[] {
  const wanted = items.filter((item) => channelWants(channel, item));
  if (wanted.length === 0) return [];
  const base = { channelId: channel.id };
  switch (channel.type) {
    case 'webhook': {
      const secret = webhookSecret(channel, context.env);
      return wanted.map((item) => {
        const message = buildWebhookMessage(item, channel, secret);
        return { ...base, kind: 'http', channelType: 'webhook', deliveryId: message.deliveryId, itemIds: [item.id], message };
      });
    }
    case 'slack':
    case 'teams': {
      const url = chatTargetUrl(channel, context.env, context);
      const build = channel.type === 'slack' ? buildSlackMessage : buildTeamsMessage;
      return wanted.map((item) => ({
        ...base,
        kind: 'http',
        channelType: channel.type,
        deliveryId: deliveryId(channel.id, item.id),
        itemIds: [item.id],
        message: build(item, url, context),
      }));
    }
    case 'email': {
      if (channel.mode === 'per-item') {
        return wanted.map((item) => {
          const message = buildItemEmail(item, channel, context);
          return { ...base, kind: 'email', channelType: 'email', deliveryId: message.deliveryId, itemIds: [item.id], message };
        });
      }
      const digest = buildDigestEmail(wanted, channel, context);
      return digest === undefined
        ? []
        : [{ ...base, kind: 'email', channelType: 'email', deliveryId: digest.deliveryId, itemIds: wanted.map((i) => i.id), message: digest }];
    }
  }
}

export interface SendDeps {
  http: HttpPostDeps;
  /** The SMTP transport of an email channel (createEmailTransport), kept open across a run. */
  emailTransport(channelId: string): Transporter;
  /** Values to scrub from SMTP error text (the SMTP passwords). */
  secrets?: readonly string[];
}

/** One attempt at one message. Never throws for a delivery problem: the outcome says what happened. */
export function send(outbound: Outbound, deps: SendDeps): Promise<DeliveryOutcome> {
  if (outbound.kind === 'http') return postHttp(outbound.message, deps.http);
  return sendEmail(outbound.message, { transport: deps.emailTransport(outbound.channelId), ...(deps.secrets ? { secrets: deps.secrets } : {}) });
}
