import type { BodyTap } from '../fetch/fetcher.js';
import type { ExtractContext, ExtractOutcome } from '../../watchers/kind.js';
import type { WatchedSource } from './sources.js';

// A kind that reads its body as it arrives (watchers/kind.ts BodyReader, a catalogue) is fed during
// the download, so that its pass overlaps the transfer instead of following it. The fetcher opens a
// new tap for every body it reads (a retry reads another); only the tap that saw the very body the
// fetch returned may finish. A reader that throws is a bug of its kind: the throw is kept out of the
// download (where it would read as a network failure) and raised when the extraction finishes,
// where a kind's throw ends the check `internal` as extract()'s would.

export interface BodyReading {
  open(url: string): BodyTap;
  /** The finishing step of the reader behind `tapped`, or undefined when it did not read this body. */
  finisher(tapped: BodyTap | undefined): ((path: string) => Promise<ExtractOutcome>) | undefined;
}

export function bodyReading(source: WatchedSource, contextFor: (url: string) => ExtractContext<unknown>): BodyReading | undefined {
  const { kind } = source;
  if (kind.input !== 'file' || kind.reader === undefined) return undefined;
  const reader = kind.reader.bind(kind);
  let latest: { tap: BodyTap; finish(path: string): Promise<ExtractOutcome> } | undefined;
  return {
    open(url) {
      const opened = reader(contextFor(url));
      let thrown: { error: unknown } | undefined;
      const tap: BodyTap = {
        write(chunk) {
          if (thrown !== undefined) return;
          try {
            opened.write(chunk);
          } catch (error) {
            thrown = { error };
          }
        },
      };
      latest = {
        tap,
        finish: (path) => {
          if (thrown !== undefined) return Promise.reject(thrown.error);
          return opened.finish(path);
        },
      };
      return tap;
    },
    finisher(tapped) {
      return latest !== undefined && tapped !== undefined && latest.tap === tapped ? latest.finish : undefined;
    },
  };
}
