import { postHttp, type HttpPostDeps } from '../notify/http-post.js';
import type { DeliveryOutcome } from '../notify/outcome.js';
import { FEED_FILES } from './published-files.js';

// Telling a WebSub hub that feeds changed. The WebSub Recommendation leaves the publisher→hub
// request open; what hubs accept (Google's PubSubHubbub hub, Superfeedr, WebSub.rocks, Switchboard)
// is a form-encoded POST of hub.mode=publish and hub.url=<topic>. One POST per topic, since the
// multi-topic forms (repeated hub.url, hub.url[]) are not understood everywhere.

export interface HubPing {
  topic: string;
  outcome: DeliveryOutcome;
}

export async function pingHub(hubUrl: string, topicUrls: readonly string[], deps: HttpPostDeps): Promise<HubPing[]> {
  const pings: HubPing[] = [];
  for (const topic of topicUrls) {
    const body = new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString();
    const outcome = await postHttp({ url: hubUrl, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }, deps);
    pings.push({ topic, outcome });
  }
  return pings;
}

/**
 * The topics to ping after a publish: the URLs (as rel="self" names them) of the feeds among the
 * files it wrote. `basePath` as given to renderFeeds (`sources/iso_42005/`) for a source's feeds.
 */
export function changedFeedTopics(publicUrl: string, written: readonly string[], basePath = ''): string[] {
  const root = new URL(publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`);
  const base = basePath === '' ? root : new URL(basePath.replace(/^\/+/, '').replace(/\/?$/, '/'), root);
  return FEED_FILES.filter((name) => written.includes(name)).map((name) => new URL(name, base).href);
}
