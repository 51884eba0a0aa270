import type { CheerioAPI } from 'cheerio';
import { cutShortReason } from '../../src/fetch/cut-short.js';
import { collapseWhitespace } from './page-text.js';

// Bodies that are not the standard page at all: iso.org (and the CDN in front of it) answers some
// clients with an error or challenge page served as 200. Those are `unreadable`, never a change.

const ERROR_TITLES =
  /not found|access denied|forbidden|captcha|just a moment|attention required|are you a robot|request rejected|too many requests|service unavailable|bad gateway|gateway time-?out|internal server error|security check/i;

/** Why the body is not an iso.org standard page, or undefined when it looks like one. */
export function unreadableReason(body: string, $: CheerioAPI): string | undefined {
  if (body.trim() === '') return 'empty body';
  const title = collapseWhitespace($('title').first().text());
  // The markers are looked for only under an error-like title: one query of the whole page fewer.
  const hasStandardMarkers = () => $('[id^=csNumber], [id^=itemReference], [itemprop=productID]').length > 0;
  if (ERROR_TITLES.test(title) && !hasStandardMarkers()) return `error or challenge page (title "${title.slice(0, 80)}")`;
  if (!/iso\.org/i.test(body)) return `not an iso.org page (title "${title.slice(0, 80)}")`;
  return cutShortReason(body, 'html');
}
