import type { Config } from '../config/index.js';
import type { Store } from '../store/store.js';
import { renderFeeds, type FeedSite } from '../publish/index.js';
import type { FeedFile } from '../publish/published-files.js';
import { contentTypeOf, representation, type Representation } from './representation.js';

// /sources/<id>/feed.xml|atom|json: the same three renderers as the published feeds, on the items
// that source reported (an item seen by several sources is in each of their feeds), from the store.

/** `/sources/<id>/<file>`; the file is one of the feed files. */
export const SOURCE_FEED_PATH = /^\/sources\/([a-z0-9][a-z0-9_-]{0,63})\/([^/]+)$/;

const NEVER = '1970-01-01T00:00:00.000Z';

/** null when no configured source has this id. */
export function sourceFeed(deps: { store: Store; config: Config; site: FeedSite }, sourceId: string, file: FeedFile): Representation | null {
  if (!deps.config.sources.some((s) => s.id === sourceId)) return null;
  const { items } = deps.store.items({ source: sourceId, limit: deps.config.feedItems });
  // Not the clock: the newest fact in this feed, so unchanged items give unchanged bytes and ETag.
  const generatedAt = items[0]?.observedAt ?? NEVER;
  const files = renderFeeds(
    { site: { ...deps.site, title: `${deps.site.title} (${sourceId})` }, items, feedItems: deps.config.feedItems, generatedAt },
    { basePath: `sources/${sourceId}/` },
  );
  return representation(files.get(file)!, contentTypeOf(file), new Date(generatedAt));
}
