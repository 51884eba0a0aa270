import type { Config } from '../config/index.js';
import type { Store } from '../store/store.js';
import type { SourceReport } from '../model/source-report.js';
import { VERSION } from '../runtime/version.js';
import { publish, publishSources, type FeedSite } from './index.js';
import { FEED_FILES, type PublishedFile } from './published-files.js';
import { inputsKey, recordPublished, stillPublished } from './publish-state.js';
import { sourceReports } from '../pipeline/source-reports.js';
import { viewDate } from './view-date.js';

export type { FeedSite };

/** The files rendered from the items; sources.json, from the checks, changes with every refresh. */
const ITEM_FILES: readonly PublishedFile[] = [...FEED_FILES, 'changes.json'];

/**
 * The feeds are a projection of the store: regenerated after every refresh, byte-identical when
 * nothing changed. When the items, the site and the limits are those the published files were
 * rendered from, only sources.json is rendered: the usual refresh (a 304, unchanged pages) reads
 * no item.
 */
export async function publishFromStore(store: Store, config: Config, publicDir: string, site: FeedSite, afterFile?: (name: string) => void) {
  const sources: SourceReport[] = sourceReports(store, config);
  const generatedAt = viewDate(
    store,
    store.newestObservedAt(),
    config.sources.map((s) => s.id),
  );
  const inputs = inputsKey({
    version: VERSION,
    // The code that renders: in the linked build this module's chunk is named by a hash of its
    // content and of the chunks it imports, so an upgrade that renders otherwise publishes anew.
    renderer: import.meta.url,
    site,
    feedItems: config.feedItems,
    changelogItems: config.changelogItems,
    items: store.newestItemsDigest(config.changelogItems),
    generatedAt,
  });
  const options = afterFile ? { afterFile } : {};
  if (await stillPublished(publicDir, inputs, ITEM_FILES)) return publishSources(publicDir, { sources, generatedAt }, ITEM_FILES, options);

  const { items } = store.items({ limit: config.changelogItems });
  const published = await publish(publicDir, { site, items, feedItems: config.feedItems, sources, generatedAt }, options);
  await recordPublished(publicDir, inputs, ITEM_FILES);
  return published;
}
