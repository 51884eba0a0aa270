import type { SourceConfig } from '../config/index.js';
import { licenceSchema, type Licence } from '../model/licence.js';
import { kindOf, type AnyKind } from '../../watchers/index.js';
import type { SourceSpec } from '../../watchers/kind.js';

// A configured source with its kind: what the pipeline needs to check it, whatever it is.

export interface WatchedSource {
  id: string;
  url: string;
  config: SourceConfig;
  kind: AnyKind;
  /** The source as its kind sees it: its URL and its own settings. */
  spec: SourceSpec<unknown>;
  licence: Licence;
}

export function watchedSource(config: SourceConfig): WatchedSource {
  const kind = kindOf(config.watcher);
  return { id: config.id, url: config.url, config, kind, spec: { url: config.url, options: config.options }, licence: licenceFor(config, kind) };
}

/** The kind's licence, unless the source overrides its tag or the whole licence. */
export function licenceFor(source: SourceConfig, kind: AnyKind): Licence {
  if (source.licence === undefined) return kind.licence;
  if (typeof source.licence === 'string') return licenceSchema.parse({ ...kind.licence, tag: source.licence });
  return source.licence;
}
