import type { Config } from './config.js';
import type { Store } from './store/store.js';
import type { DocumentRecord } from './record.js';
import type { SourceReport } from './health.js';
import { watcherFor, licenceFor } from '../watchers/index.js';
import { documentUrl } from './document-url.js';

/** Each source's provenance and health, as sources.json and `regwatch sources` show it. */
export function sourceReports(store: Store, config: Config): SourceReport[] {
  const baselines = new Map(config.sources.map((source) => [source.id, store.baselines(source.id)]));
  return config.sources.map((source) => {
    const watcher = watcherFor(source.watcher);
    const state = store.sourceState(source.id);
    const own = baselines.get(source.id)!;
    const documents = [...own.values()]
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((record) => ({ key: record.key, reference: record.reference, status: record.status, stage: record.stage, url: documentUrl(source, record.key) }));
    return {
      id: source.id,
      watcher: watcher.id,
      watcherVersion: watcher.version,
      url: source.url,
      licence: licenceFor(source, watcher),
      state: state === undefined ? 'never-checked' : state.degraded ? 'degraded' : 'ok',
      lastVerdict: state?.lastVerdict ?? null,
      lastDetail: state?.lastDetail ?? null,
      lastCheckedAt: state?.lastCheckedAt ?? null,
      lastGoodCheckAt: state?.lastGoodAt ?? null,
      lastChangeAt: state?.lastChangeAt ?? null,
      consecutiveFailures: state?.consecutiveFailures ?? 0,
      documents,
      disagreements: disagreements(source.id, own, baselines),
    };
  });
}

/** Where another source reports the same document at another stage (e.g. the page lags the catalogue). */
function disagreements(sourceId: string, own: Map<string, DocumentRecord>, all: Map<string, Map<string, DocumentRecord>>): SourceReport['disagreements'] {
  const out: SourceReport['disagreements'] = [];
  for (const [otherSource, theirs] of all) {
    if (otherSource === sourceId) continue;
    for (const [key, record] of own) {
      const other = theirs.get(key);
      if (other !== undefined && other.stage !== record.stage) {
        out.push({ key, otherSource, field: 'stage', here: record.stage, there: other.stage });
      }
    }
  }
  return out;
}
