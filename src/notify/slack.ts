import type { Item } from '../model/item.js';
import { postHttp, type HttpMessage, type HttpPostDeps } from './http-post.js';
import { messageFacts, type MessageOptions } from './message-facts.js';
import type { DeliveryOutcome } from './outcome.js';

// A Slack incoming-webhook message (https://api.slack.com/messaging/webhooks): Block Kit blocks and
// a plain `text` for notifications. What changed goes in a plain_text object, so nothing in a
// summary can format or link; the mrkdwn parts escape Slack's three control characters & < >.

export type SlackText = { type: 'plain_text'; text: string; emoji: boolean } | { type: 'mrkdwn'; text: string };
export type SlackBlock = { type: 'section'; text: SlackText } | { type: 'context'; elements: Array<Extract<SlackText, { type: 'mrkdwn' }>> };

export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
  unfurl_links: false;
  unfurl_media: false;
}

export function slackPayload(item: Item, options: MessageOptions): SlackPayload {
  const facts = messageFacts(item, options);
  const severity = facts.severity.toUpperCase();
  return {
    text: escapeMrkdwn(`[${facts.severity}] ${facts.whatChanged}`),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${severity}* · ${link(facts.documentUrl, facts.subject)}` } },
      { type: 'section', text: { type: 'plain_text', text: clip(facts.whatChanged, 3000), emoji: false } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: clip(`${link(facts.itemUrl, 'regwatch item')} · observed ${facts.observedDate} · ${escapeMrkdwn(facts.rights)}`, 3000) },
        ],
      },
    ],
    unfurl_links: false,
    unfurl_media: false,
  };
}

export function buildSlackMessage(item: Item, targetUrl: string, options: MessageOptions): HttpMessage {
  return { url: targetUrl, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(slackPayload(item, options)) };
}

export function sendSlack(message: HttpMessage, deps: HttpPostDeps): Promise<DeliveryOutcome> {
  return postHttp(message, deps);
}

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `<url|label>`; a `|` or `>` in the URL would end it early, so those are percent-encoded. */
function link(url: string, label: string): string {
  return `<${escapeMrkdwn(url.replace(/\|/g, '%7C').replace(/>/g, '%3E'))}|${escapeMrkdwn(label)}>`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
