import type { Item } from '../model/item.js';
import { itemLink, whatChanged } from '../publish/item-facts.js';
import { PublishError } from '../publish/publish-error.js';
import { oneLine } from '../publish/sanitize.js';
import { publishableItems } from '../publish/validate-items.js';
import { NotifyError } from './outcome.js';

// The few facts a chat message or an email shows, all taken from Item fields (no other text can
// reach a message, so no abstract can either): severity, what changed, the standard and the item.

export interface MessageOptions {
  /** regwatch's public URL (config publicUrl): item links point at the source's section of its page. */
  publicUrl: string;
  /** Overrides the item link. */
  itemUrl?: (item: Item) => string;
}

export interface MessageFacts {
  severity: Item['severity'];
  /** `ISO/IEC 42005:2025` or, for a source-health item, the source id. */
  subject: string;
  whatChanged: string;
  observedDate: string;
  /** The standard's page (for a source-health item, the page that failed). */
  documentUrl: string;
  itemUrl: string;
  rights: string;
  attribution: string;
}

/** The item as changes.json carries it (sanitised, validated), or a NotifyError saying why not. */
export function publishedForm(item: Item): Item {
  try {
    return publishableItems([item])[0] as Item;
  } catch (error) {
    if (error instanceof PublishError) throw new NotifyError('NOTIFY_BAD_ITEM', error.message.replace(/^publish: /, '').replace(/^items\[0\]/, 'item'));
    throw error;
  }
}

export function itemPageUrl(publicUrl: string, item: Pick<Item, 'source'>): string {
  const base = new URL(publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`);
  base.hash = `source-${item.source}`;
  return base.href;
}

export function messageFacts(raw: Item, options: MessageOptions): MessageFacts {
  const item = publishedForm(raw);
  return {
    severity: item.severity,
    subject: oneLine(item.document?.reference ?? item.source),
    whatChanged: oneLine(whatChanged(item)),
    observedDate: item.observedAt.slice(0, 10),
    documentUrl: itemLink(item),
    itemUrl: options.itemUrl?.(item) ?? itemPageUrl(options.publicUrl, item),
    rights: oneLine(item.licence.rights),
    attribution: oneLine(item.licence.attribution),
  };
}
