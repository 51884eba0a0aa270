import { RegwatchError } from '../model/errors.js';

export type PageErrorCode = 'PAGE_MARKER_MISSING' | 'PAGE_MARKER_UNBALANCED' | 'PAGE_MARKER_DUPLICATED' | 'PAGE_MARKER_NESTED' | 'PAGE_MARKER_UNKNOWN';

/** The page was not rewritten: `page: line 12: <!-- /regwatch:changes --> closes a block that was never opened`. */
export class PageError extends RegwatchError<PageErrorCode> {
  constructor(
    code: PageErrorCode,
    /** The marker as written in the page, e.g. `<!-- regwatch:changes -->`. */
    readonly marker: string,
    /** 1-based; null when the marker is missing altogether. */
    readonly line: number | null,
    detail: string,
  ) {
    super(code, `page: ${line === null ? '' : `line ${line}: `}${marker} ${detail}`);
  }
}
