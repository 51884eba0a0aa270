import type { Config } from '../config/index.js';
import type { Store } from '../store/store.js';
import type { DocumentRecord } from '../model/record.js';
import type { SourceReport } from '../model/source-report.js';
import { watchedSource } from './sources.js';

/** Each source's provenance and health, as sources.json and `regwatch sources` show it. */
export function sourceReports(store: Store, config: Config): SourceReport[] {
  const sources = config.sources.map(watchedSource);
  const baselines = new Map(sources.map((source) => [source.id, store.baselines(source.id)]));
  return sources.map((source) => {
    const state = store.sourceState(source.id);
    const own = baselines.get(source.id)!;
    const documents = [...own.values()]
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((record) => ({
        key: record.key,
        reference: record.reference,
        status: record.status,
        stage: record.stage ?? null,
        phase: record.phase,
        url: source.kind.documentUrl(record.key, source.spec),
      }));
    return {
      id: source.id,
      watcher: source.kind.id,
      watcherVersion: source.kind.version,
      url: source.url,
      licence: source.licence,
      state: state === undefined ? 'never-checked' : state.degraded ? 'degraded' : state.lastGoodAt === null ? 'never-read' : 'ok',
      lastVerdict: state?.lastVerdict ?? null,
      lastDetail: state?.lastDetail ?? null,
      lastCode: state?.lastCode ?? null,
      lastCheckedAt: state?.lastCheckedAt ?? null,
      lastGoodCheckAt: state?.lastGoodAt ?? null,
      lastChangeAt: state?.lastChangeAt ?? null,
      consecutiveFailures: state?.consecutiveFailures ?? 0,
      documents,
      disagreements: disagreements(source.id, own, baselines),
    };
  });
}

/**
 * Where another source reports the same document at another stage (e.g. the page lags the
 * catalogue): the harmonized codes where both have one, else the common phases.
 */
function disagreements(
  sourceId: string,
  own: ReadonlyMap<string, DocumentRecord>,
  all: ReadonlyMap<string, ReadonlyMap<string, DocumentRecord>>,
): SourceReport['disagreements'] {
  const out: SourceReport['disagreements'] = [];
  for (const [otherSource, theirs] of all) {
    if (otherSource === sourceId) continue;
    for (const [key, record] of own) {
      const other = theirs.get(key);
      if (other === undefined) continue;
      if (record.stage !== undefined && other.stage !== undefined) {
        if (other.stage !== record.stage) out.push({ key, otherSource, field: 'stage', here: record.stage, there: other.stage });
      } else if (other.phase !== record.phase) {
        out.push({ key, otherSource, field: 'phase', here: record.phase, there: other.phase });
      }
    }
  }
  return out;
}
