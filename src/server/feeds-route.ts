import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { PublishedFile } from '../publish/published-files.js';
import { contentTypeOf, representation, type Representation } from './representation.js';

// The five files refresh published into <data>/public, served as they are. Files are replaced by
// rename and only when their bytes change, so (inode, mtime, size) identifies a version: a version
// is read, hashed and gzipped once, and every request only checks the file is still that version.

export interface PublishedFiles {
  /** The file's current version, or null when refresh has not published it yet. */
  get(name: PublishedFile): Promise<Representation | null>;
}

export function publishedFiles(publicDir: string): PublishedFiles {
  const versions = new Map<PublishedFile, { version: string; rep: Representation }>();
  // Requests for a file that arrive while it is being looked up share that look-up: a burst opens
  // the file once, not once per request (1,500 connections pipelining requests for changes.json
  // read it thousands of times side by side, 1.6 GB, until the process ran out of descriptors).
  const inFlight = new Map<PublishedFile, Promise<Representation | null>>();
  return {
    get(name) {
      const pending = inFlight.get(name);
      if (pending !== undefined) return pending;
      const lookup = current(name).finally(() => inFlight.delete(name));
      inFlight.set(name, lookup);
      return lookup;
    },
  };

  async function current(name: PublishedFile): Promise<Representation | null> {
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
      const rep = representation(await handle.readFile(), contentTypeOf(name), stat.mtime);
      versions.set(name, { version, rep });
      return rep;
    } finally {
      await handle.close();
    }
  }
}
