import type { SourceConfig } from '../src/config.js';
import { licenceSchema, type Licence } from '../src/licences.js';
import type { PageWatcher, StreamWatcher } from './watcher.js';
import { isoPageWatcher } from './iso-page.js';
import { isoOpenDataWatcher, type OpenDataContext } from './iso-opendata.js';

// The one explicit list of watcher kinds. Which documents are watched is config, not code.

export type AnyWatcher = PageWatcher | StreamWatcher<OpenDataContext>;

export const WATCHERS: Readonly<Record<SourceConfig['watcher'], AnyWatcher>> = {
  'iso-page': isoPageWatcher,
  'iso-opendata': isoOpenDataWatcher,
};

export function watcherFor(id: SourceConfig['watcher']): AnyWatcher {
  return WATCHERS[id];
}

/** The watcher's licence, unless the source overrides its tag or the whole licence. */
export function licenceFor(source: SourceConfig, watcher: AnyWatcher): Licence {
  if (source.licence === undefined) return watcher.licence;
  if (typeof source.licence === 'string') return licenceSchema.parse({ ...watcher.licence, tag: source.licence });
  return source.licence;
}
