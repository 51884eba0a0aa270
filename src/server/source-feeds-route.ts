import type { Config } from '../config/index.js';
import type { Store } from '../store/store.js';
import type { Severity } from '../model/item.js';
import { renderFeeds, type FeedSite } from '../publish/index.js';
import type { FeedFile } from '../publish/published-files.js';
import { contentTypeOf, representation, type Representation } from './representation.js';
import { newestObservedAt, viewDate } from '../publish/view-date.js';

// Feeds rendered from the store by the same three renderers as the published ones:
// /sources/<id>/feed.xml|atom|json (the items that source reported; an item seen by several sources
// is in each of their feeds), and any feed with ?min-severity= (the items at least that severe).

/** `/sources/<id>/<file>`; the file is one of the feed files. */
export const SOURCE_FEED_PATH = /^\/sources\/([a-z0-9][a-z0-9_-]{0,63})\/([^/]+)$/;

export interface FeedFilter {
  source?: string;
  minSeverity?: Severity;
}

/** null when no configured source has the filter's source id. */
export function storeFeed(deps: { store: Store; config: Config; site: FeedSite }, filter: FeedFilter, file: FeedFile): Representation | null {
  if (filter.source !== undefined && !deps.config.sources.some((s) => s.id === filter.source)) return null;
  const { items } = deps.store.items({
    ...(filter.source !== undefined ? { source: filter.source } : {}),
    ...(filter.minSeverity !== undefined ? { minSeverity: filter.minSeverity } : {}),
    limit: deps.config.feedItems,
  });
  const generatedAt = viewDate(deps.store, newestObservedAt(items), filter.source !== undefined ? [filter.source] : deps.config.sources.map((s) => s.id));
  const qualifiers = [filter.source, filter.minSeverity === undefined ? undefined : `${filter.minSeverity} and above`].filter((q) => q !== undefined);
  const files = renderFeeds(
    {
      site: { ...deps.site, title: qualifiers.length === 0 ? deps.site.title : `${deps.site.title} (${qualifiers.join(', ')})` },
      items,
      feedItems: deps.config.feedItems,
      generatedAt,
    },
    {
      ...(filter.source === undefined ? {} : { basePath: `sources/${filter.source}/`, homeFragment: `source-${filter.source}` }),
      query: filter.minSeverity === undefined ? '' : new URLSearchParams({ 'min-severity': filter.minSeverity }).toString(),
    },
  );
  return representation(files.get(file)!, contentTypeOf(file), new Date(generatedAt));
}
