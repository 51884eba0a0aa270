import type { Item } from '../model/item.js';
import { postHttp, type HttpMessage, type HttpPostDeps } from './http-post.js';
import { messageFacts, type MessageOptions } from './message-facts.js';
import type { DeliveryOutcome } from './outcome.js';

// Microsoft Teams through a Workflows ("When a Teams webhook request is received") webhook: a
// message whose one attachment is an Adaptive Card, the shape Microsoft documents for webhooks:
// {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",
// "contentUrl":null,"content":{AdaptiveCard}}]}. Version 1.4: what the Workflows card action renders.

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

const COLOUR: Record<Item['severity'], string> = { critical: 'Attention', major: 'Warning', minor: 'Default', info: 'Default', baseline: 'Default' };

export interface TeamsPayload {
  type: 'message';
  attachments: [{ contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }];
}

export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.4';
  body: Array<Record<string, unknown>>;
  actions: Array<{ type: 'Action.OpenUrl'; title: string; url: string }>;
  msteams: { width: 'Full' };
}

export function teamsPayload(item: Item, options: MessageOptions): TeamsPayload {
  const facts = messageFacts(item, options);
  const card: AdaptiveCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      {
        type: 'TextBlock',
        text: escapeCardMarkdown(`${facts.severity.toUpperCase()} · ${facts.subject}`),
        weight: 'Bolder',
        color: COLOUR[facts.severity],
        wrap: true,
      },
      { type: 'TextBlock', text: escapeCardMarkdown(facts.whatChanged), wrap: true },
      { type: 'TextBlock', text: escapeCardMarkdown(`Observed ${facts.observedDate} · ${facts.rights}`), isSubtle: true, size: 'Small', wrap: true },
    ],
    // Button titles are plain text: no escaping.
    actions: [
      { type: 'Action.OpenUrl', title: facts.subject, url: facts.documentUrl },
      { type: 'Action.OpenUrl', title: 'regwatch item', url: facts.itemUrl },
    ],
    msteams: { width: 'Full' },
  };
  return { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: card }] };
}

export function buildTeamsMessage(item: Item, targetUrl: string, options: MessageOptions): HttpMessage {
  return { url: targetUrl, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(teamsPayload(item, options)) };
}

export function sendTeams(message: HttpMessage, deps: HttpPostDeps): Promise<DeliveryOutcome> {
  return postHttp(message, deps);
}

/**
 * TextBlock text is a CommonMark subset (bold, italic, lists, links). Only what could turn a summary
 * into formatting or a link is backslash-escaped, so the common `[50.20]` and `iso_42005` show as
 * they are: emphasis and code markers, `](`, a leading list or heading marker.
 */
export function escapeCardMarkdown(text: string): string {
  return text
    .replace(/[\\*`~]/g, (c) => `\\${c}`)
    .replace(/(^|[^\p{L}\p{N}])_|_(?=$|[^\p{L}\p{N}])/gu, (match) => match.replace('_', '\\_'))
    .replace(/\]\(/g, '\\](')
    .replace(/^(\s*)([-+#>])(?=\s)/, '$1\\$2')
    .replace(/^(\s*)(\d+)\.(?=\s)/, '$1$2\\.');
}
