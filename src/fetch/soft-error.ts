import { firstTitle, withoutBlockElements, withoutComments, withoutTags } from './html-scan.js';

// A soft error is an answer that looks like success but is not the page: a WAF challenge, an error
// page served with 200, a redirect to the home page. It is reported as unreadable, never handed to
// an extractor, so it can never become a change (DESIGN.md: a failure is a result, not a change).

export interface SoftErrorInput {
  status: number;
  url: URL;
  finalUrl: URL;
  contentType?: string;
  bytes: number;
  /** The body when kept in memory; spooled dumps are not inspected. */
  body?: Buffer;
}

// Matched against the <title> (always) and against the visible text of a short page. Kept to
// phrases, not single words: standard titles contain "error", "access" and "security".
const DENIAL_PHRASES: ReadonlyArray<[RegExp, string]> = [
  [/\baccess (?:is )?denied\b/i, 'access denied'],
  [/\b403 forbidden\b|^\s*forbidden\s*$/i, 'forbidden'],
  [
    /\bpage not found\b|^\s*(?:404\b.*|.*\b404\s*|not found)\s*$|\b(?:page|document|resource) (?:cannot|can't|could not|was not) be(?:en)? found\b/i,
    'not found',
  ],
  [/\bcaptcha\b/i, 'a captcha'],
  [/\bare you a (?:robot|human)\b|\bverify (?:that )?you are (?:a )?human\b|\bnot a robot\b/i, 'a robot check'],
  [/\bjust a moment\b|\battention required\b|\bchecking your browser\b|\benable javascript and cookies to continue\b/i, 'a bot challenge'],
  [/\brequest (?:was )?(?:rejected|blocked)\b|\byou have been blocked\b|\btoo many requests\b/i, 'a block page'],
];

/** Pages with more visible text than this are real content; only their title is checked. */
const SHORT_PAGE_TEXT = 3_000;

const MAX_TITLE_CHARS = 1_000;

/** Only this much of a body is looked at (every scan of it is linear: html-scan.ts). */
export const INSPECTED_BYTES = 2_000_000;

/** Why `input` is not the page asked for, or undefined when it looks like the page. */
export function detectSoftError(input: SoftErrorInput): string | undefined {
  const { status, url, finalUrl } = input;
  if (status === 202 && input.bytes === 0) return `GET ${url.href} returned 202 with an empty body (a bot challenge)`;
  if (input.bytes === 0) return `GET ${url.href} returned ${status} with an empty body`;
  if (finalUrl.href !== url.href && isHomePage(finalUrl) && !isHomePage(url)) {
    return `GET ${url.href} was redirected to the home page ${finalUrl.href}`;
  }
  if (input.body === undefined || !looksLikeHtml(input.contentType, input.body)) return undefined;
  const html = input.body.subarray(0, INSPECTED_BYTES).toString('utf8');
  const title = firstTitle(html);
  // A real title is short; the phrases are matched on a bounded piece, whatever the page holds.
  const titleText = title === undefined ? undefined : decodeBasicEntities(title).replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE_CHARS);
  if (titleText !== undefined) {
    const hit = denial(titleText);
    if (hit) return `GET ${url.href} returned ${status} but the page title says ${hit} ("${titleText.slice(0, 80)}")`;
  }
  const text = visibleText(html);
  if (text.length <= SHORT_PAGE_TEXT) {
    const hit = denial(text);
    if (hit) return `GET ${url.href} returned ${status} but the page says ${hit}`;
  }
  return undefined;
}

function denial(text: string): string | undefined {
  return DENIAL_PHRASES.find(([pattern]) => pattern.test(text))?.[1];
}

const HOME_PATHS = /^\/(?:(?:[a-z]{2}(?:[-_][a-z]{2})?\/?)|(?:(?:[a-z]{2}(?:[-_][a-z]{2})?\/)?(?:index|home|default)(?:\.[a-z]+)?))?$/i;

/** `/`, `/index.html`, `/home.html` (iso.org), `/en/`, `/fr/home.html`: a site's front page. */
export function isHomePage(url: URL): boolean {
  return HOME_PATHS.test(url.pathname) && url.search === '';
}

function looksLikeHtml(contentType: string | undefined, body: Buffer): boolean {
  if (contentType !== undefined && contentType !== '') return /html|xml/i.test(contentType);
  return /^\s*</.test(body.subarray(0, 512).toString('latin1'));
}

function visibleText(html: string): string {
  return decodeBasicEntities(withoutTags(withoutComments(withoutBlockElements(html))))
    .replace(/\s+/g, ' ')
    .trim();
}

function decodeBasicEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' })[name] ?? _);
}
