import type { DocumentRecord } from '../src/record.js';
import type { Licence } from '../src/licences.js';

// A watcher knows how to read one KIND of source page. It declares its id, version, licence and
// limits, and turns a body into records. It never touches the network, storage, clock or feeds.

export type ExtractOutcome =
  | { kind: 'records'; records: DocumentRecord[] }
  /** The body is not the page at all: an error page, a challenge, a login wall (→ `unreadable`). */
  | { kind: 'unreadable'; reason: string }
  /** It is the page, but the fields are not where they were: a redesign (→ `extraction-failed`). */
  | { kind: 'extraction-failed'; reason: string };

export interface PageWatcher {
  readonly kind: 'page';
  readonly id: string;
  /** Bumped whenever extract() can give a different record for the same body. */
  readonly version: string;
  readonly licence: Licence;
  readonly maxResponseBytes: number;
  extract(body: string, context: { url: string }): ExtractOutcome;
}

/**
 * A watcher of a large machine-readable dump (ISO Open Data). The fetch layer spools the body to a
 * file (hashing it on the way); the watcher streams that file and returns only the rows in scope.
 */
export interface StreamWatcher<Context = unknown> {
  readonly kind: 'stream';
  readonly id: string;
  readonly version: string;
  readonly licence: Licence;
  readonly maxResponseBytes: number;
  extractFile(path: string, context: Context): Promise<ExtractOutcome>;
}
