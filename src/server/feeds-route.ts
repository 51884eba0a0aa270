import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTENT_TYPES, representation, type Representation } from './representation.js';

// The five files refresh published into <data>/public, served as they are. Files are replaced by
// rename and only when their bytes change, so (inode, mtime, size) identifies a version: a version
// is read, hashed and gzipped once, and every request only checks the file is still that version.

export const PUBLISHED_FILES = {
  'feed.xml': CONTENT_TYPES.rss,
  'feed.atom': CONTENT_TYPES.atom,
  'feed.json': CONTENT_TYPES.jsonFeed,
  'changes.json': CONTENT_TYPES.json,
  'sources.json': CONTENT_TYPES.json,
} as const;
export type PublishedFile = keyof typeof PUBLISHED_FILES;

export function isPublishedFile(name: string): name is PublishedFile {
  return Object.hasOwn(PUBLISHED_FILES, name);
}

export interface PublishedFiles {
  /** The file's current version, or null when refresh has not published it yet. */
  get(name: PublishedFile): Promise<Representation | null>;
}

export function publishedFiles(publicDir: string): PublishedFiles {
  const versions = new Map<PublishedFile, { version: string; rep: Representation }>();
  return {
    async get(name) {
      let handle;
      try {
        handle = await open(join(publicDir, name), 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      try {
        // stat and read through one handle: a rename in between cannot pair one version's
        // validators with another's bytes.
        const stat = await handle.stat();
        const version = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
        const known = versions.get(name);
        if (known?.version === version) return known.rep;
        const rep = representation(await handle.readFile(), PUBLISHED_FILES[name], stat.mtime);
        versions.set(name, { version, rep });
        return rep;
      } finally {
        await handle.close();
      }
    },
  };
}
