// The files refresh publishes into <data>/public: their names and what each is. The one list: the
// publisher writes these, the server serves them (with this media type), the page links to them.

/** Each feed format's file, by the name the feed view gives its URL. */
export const FEED_FILE_OF = { rss: 'feed.xml', atom: 'feed.atom', json: 'feed.json' } as const;

export const FEED_FILES = Object.values(FEED_FILE_OF);
export const PUBLISHED_FILES = [...FEED_FILES, 'changes.json', 'sources.json'] as const;

export type FeedFile = (typeof FEED_FILES)[number];
export type PublishedFile = (typeof PUBLISHED_FILES)[number];

export const PUBLISHED_FILE_TYPES: Readonly<Record<PublishedFile, { mediaType: string; label: string }>> = {
  'feed.xml': { mediaType: 'application/rss+xml', label: 'RSS' },
  'feed.atom': { mediaType: 'application/atom+xml', label: 'Atom' },
  'feed.json': { mediaType: 'application/feed+json', label: 'JSON Feed' },
  'changes.json': { mediaType: 'application/json', label: 'changes.json' },
  'sources.json': { mediaType: 'application/json', label: 'sources.json' },
};

export function isPublishedFile(name: string): name is PublishedFile {
  return (PUBLISHED_FILES as readonly string[]).includes(name);
}

export function isFeedFile(name: string): name is FeedFile {
  return (FEED_FILES as readonly string[]).includes(name);
}
