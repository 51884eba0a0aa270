import type { CheerioAPI } from 'cheerio';
import { cutShortReason } from '../../src/fetch/cut-short.js';
import { BLOCKS, collapseWhitespace, hasBlock, hasBlockLike } from './page.js';

// Bodies served with HTTP 200 that are not a project page at all (spec/severity.md: soft errors,
// reported as source health, never a change). All three are recorded in fixtures/cen:
//   cen-search-*         the standards search form and its results (`ADVSEARCH_*`, `DASHBOARD_CONTENT_PUBS`)
//   cen-root-redirect-*  the old site root after the APEX move: a script sends the browser to /ords/f?p=CEN:105
//   cen-error-apex-*     APEX's "Sorry, this page isn't available / Application not found"

const ERROR_TITLES =
  /sorry, this page isn.t available|not found|access denied|forbidden|captcha|just a moment|attention required|are you a robot|request rejected|too many requests|service unavailable|bad gateway|gateway time-?out|internal server error|error/i;

/** Why the body is not a CEN-CENELEC project page, or undefined when it is one (or a project page whose fields moved). */
export function unreadableReason(body: string, $: CheerioAPI): string | undefined {
  if (body.trim() === '') return 'empty body';
  if (hasBlock($, BLOCKS.project)) return cutShortReason(body, 'html');

  const title = collapseWhitespace($('title').first().text()).slice(0, 80);
  if (hasBlockLike($, /^(ADVSEARCH_|DASHBOARD_CONTENT_PUBS$)/)) return `a search-results page, not a project page (title "${title}")`;
  if ($('.a-Error').length > 0 || /application not found/i.test($('body').text())) {
    return `an APEX error page (title "${title}")`;
  }
  const targets = [
    ...$('script')
      .text()
      .matchAll(/window\.location(?:\.href)?\s*=\s*["']([^"']{1,200})["']/g),
  ].map((match) => match[1]!);
  const redirect = targets.find((target) => target.includes('standards.')) ?? targets[0];
  if (redirect !== undefined && $('table').length === 0) return `a script redirect to ${redirect} (title "${title}")`;
  if (ERROR_TITLES.test(title)) return `an error or challenge page (title "${title}")`;
  if (!/cencenelec\.eu|cen\.eu|CEN-CENELEC|\bCEN\b/.test(body)) return `not a CEN-CENELEC page (title "${title}")`;
  // A CEN page without the project block: let the extraction name what is missing (a redesign).
  return cutShortReason(body, 'html');
}
