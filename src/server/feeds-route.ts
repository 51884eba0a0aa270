import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PublishedFile } from '../publish/published-files.js';
import { contentTypeOf, representation, type Representation } from './representation.js';

// The five files refresh published into <data>/public, served as they are. Files are replaced by
// rename and only when their bytes change, so (inode, mtime, size) identifies a version: a version
// is read, hashed and gzipped once. Between versions a request costs no file operation: the folder
// is watched, and a publish by this process's refresh or another one (a rename into the folder)
// makes the next request look again. A version is looked at again after a second in any case, in
// case the watch misses a change (a network file system, the folder replaced whole); where the
// folder cannot be watched, every request looks.

/** How long a version is served without looking at its file, when the watch saw no change. */
const TRUSTED_FOR_MS = 1_000;

export interface PublishedFiles {
  /** The file's current version, or null when refresh has not published it yet. */
  get(name: PublishedFile): Promise<Representation | null>;
  /** Stops watching the folder. */
  close(): void;
}

interface Known {
  /** Null while the file does not exist. */
  version: string | null;
  rep: Representation | null;
  lookedAt: number;
  /** The watch's count of changes when the look-up started. */
  changes: number;
}

export function publishedFiles(publicDir: string): PublishedFiles {
  const known = new Map<PublishedFile, Known>();
  let changes = 0;
  let watcher: FSWatcher | null = null;
  let closed = false;
  const startWatching = (): void => {
    if (watcher !== null || closed) return;
    try {
      // Not persistent: watching never keeps the process alive.
      watcher = watch(publicDir, { persistent: false }, () => void (changes += 1));
    } catch {
      return; // no folder yet, or no watches left: every request looks at the file
    }
    watcher.on('error', () => {
      watcher?.close();
      watcher = null;
      changes += 1;
    });
  };
  startWatching();

  // Requests for a file that arrive while it is being looked up share that look-up: a burst opens
  // the file once, not once per request (1,500 connections pipelining requests for changes.json
  // read it thousands of times side by side, 1.6 GB, until the process ran out of descriptors).
  const inFlight = new Map<PublishedFile, Promise<Representation | null>>();
  return {
    get(name) {
      const last = known.get(name);
      if (last !== undefined && watcher !== null && last.changes === changes && performance.now() - last.lookedAt < TRUSTED_FOR_MS) {
        return Promise.resolve(last.rep);
      }
      const pending = inFlight.get(name);
      if (pending !== undefined) return pending;
      const lookup = current(name).finally(() => inFlight.delete(name));
      inFlight.set(name, lookup);
      return lookup;
    },
    close() {
      closed = true;
      watcher?.close();
      watcher = null;
    },
  };

  async function current(name: PublishedFile): Promise<Representation | null> {
    startWatching(); // before looking: a change from here on is seen
    const seen = { changes, lookedAt: performance.now() };
    const last = known.get(name);
    let handle;
    try {
      handle = await open(join(publicDir, name), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      known.set(name, { version: null, rep: null, ...seen });
      return null;
    }
    try {
      // stat and read through one handle: a rename in between cannot pair one version's
      // validators with another's bytes.
      const stat = await handle.stat();
      const version = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
      const rep = last?.version === version && last.rep !== null ? last.rep : representation(await handle.readFile(), contentTypeOf(name), stat.mtime);
      known.set(name, { version, rep, ...seen });
      return rep;
    } finally {
      await handle.close();
    }
  }
}
