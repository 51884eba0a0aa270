import type { Item } from '../model/item.js';
import type { FeedView } from './feed-view.js';
import { itemLink, itemText, itemTitle } from './item-facts.js';

// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written from typed objects: the `feed`
// package writes version 1. Our facts travel in one `_regwatch` extension object per item.

export interface JsonFeed {
  version: 'https://jsonfeed.org/version/1.1';
  title: string;
  home_page_url: string;
  feed_url: string;
  description: string;
  language: string;
  hubs?: Array<{ type: 'WebSub'; url: string }>;
  items: JsonFeedItem[];
}

export interface JsonFeedItem {
  id: string;
  url: string;
  title: string;
  content_text: string;
  date_published: string;
  tags: string[];
  _regwatch: {
    severity: Item['severity'];
    event: Item['event'];
    alsoEvents: Item['alsoEvents'];
    effectiveDate: Item['effectiveDate'];
    effectiveDateKind: Item['effectiveDateKind'];
    changes: Item['changes'];
    provenance: Item['provenance'];
    alsoSeenBy: Item['alsoSeenBy'];
    licence: Item['licence'];
    source: Item['source'];
    document: Item['document'];
  };
}

export function renderJsonFeed(feed: FeedView): string {
  const json: JsonFeed = {
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feed.homePageUrl,
    feed_url: feed.urls.json,
    description: feed.description,
    language: feed.language,
    ...(feed.hubUrl === undefined ? {} : { hubs: [{ type: 'WebSub' as const, url: feed.hubUrl }] }),
    items: feed.items.map(jsonFeedItem),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function jsonFeedItem(item: Item): JsonFeedItem {
  return {
    id: item.id,
    url: itemLink(item),
    title: itemTitle(item),
    content_text: itemText(item),
    date_published: item.observedAt,
    tags: [item.severity, item.event],
    _regwatch: {
      severity: item.severity,
      event: item.event,
      alsoEvents: item.alsoEvents,
      effectiveDate: item.effectiveDate,
      effectiveDateKind: item.effectiveDateKind,
      changes: item.changes,
      provenance: item.provenance,
      alsoSeenBy: item.alsoSeenBy,
      licence: item.licence,
      source: item.source,
      document: item.document,
    },
  };
}
