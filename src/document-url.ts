import type { SourceConfig } from './config.js';

/** The public page of a document: the watched page itself, or iso.org's page for a catalogue row. */
export function documentUrl(source: SourceConfig, key: string): string {
  if (source.watcher === 'iso-page') return source.url;
  return `https://www.iso.org/standard/${key.split(':')[1]}.html`;
}
