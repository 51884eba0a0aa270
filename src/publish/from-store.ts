import type { Config } from '../config/index.js';
import type { Store } from '../store/store.js';
import type { SourceReport } from '../model/source-report.js';
import { publish, type FeedSite } from './index.js';
import { sourceReports } from '../pipeline/source-reports.js';

export type { FeedSite };

/** The feeds are a projection of the store: regenerated after every refresh, byte-identical when nothing changed. */
export async function publishFromStore(store: Store, config: Config, publicDir: string, site: FeedSite, afterFile?: (name: string) => void) {
  const { items } = store.items({ limit: config.changelogItems });
  const sources: SourceReport[] = sourceReports(store, config);
  // Not the clock: the newest fact published, so an unchanged store gives unchanged bytes.
  const generatedAt = items[0]?.observedAt ?? newestCheck(sources) ?? '1970-01-01T00:00:00.000Z';
  return publish(publicDir, { site, items, feedItems: config.feedItems, sources, generatedAt }, afterFile ? { afterFile } : {});
}

function newestCheck(sources: SourceReport[]): string | undefined {
  return sources
    .map((s) => s.lastCheckedAt)
    .filter((t): t is string => t !== null)
    .sort()
    .at(-1);
}
