import type { Item } from '../model/item.js';

/** What the three feed renderers share: the feed's own facts, already sanitised and validated. */
export interface FeedView {
  title: string;
  description: string;
  /** RFC 5646 tag, `en` unless the site says otherwise. */
  language: string;
  homePageUrl: string;
  /** The WebSub hub, when one is configured. */
  hubUrl?: string;
  urls: { rss: string; atom: string; json: string };
  /** lastBuildDate: the generatedAt passed in, never the clock. */
  generatedAt: string;
  /** Atom feed `updated`: the newest item's observation, else generatedAt. */
  updated: string;
  items: Item[];
}

/** RFC 822 date as RSS 2.0 wants it: `Mon, 02 Jun 2025 06:00:12 GMT`. */
export function rfc822(iso: string): string {
  return new Date(iso).toUTCString();
}
