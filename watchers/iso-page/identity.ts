import type { CheerioAPI } from 'cheerio';
import { collapseWhitespace, firstAccepted, joinTitleParts, withoutBracketNotes } from './page-text.js';

// Which document the page is about: its csnumber, the reference it gives itself and its title.

/**
 * `iso:<csnumber>` from the page itself first: the flagship pages (`/standard/27001`) are served on a
 * vanity URL whose number is not the csnumber (their #csNumber says 82875). URLs count only in the
 * `/standard/<csnumber>.html` form.
 */
export function readKey($: CheerioAPI, pageUrl: string): string | undefined {
  const fromPage = firstAccepted(
    [
      () =>
        $('[id^=csNumber], [itemprop=productID]')
          .map((_, el) => collapseWhitespace($(el).text()))
          .get(),
      () => [
        $('[id^=indexReference]')
          .attr('data-index')
          ?.match(/^\s*(\d+)\s+-/)?.[1] ?? '',
      ],
    ],
    (text) => /^\d{1,9}$/.test(text),
  );
  if (fromPage !== undefined) return `iso:${fromPage}`;

  const urls = [$('link[rel=canonical]').attr('href'), $('meta[property="og:url"]').attr('content'), pageUrl];
  for (const url of urls) {
    const key = url === undefined ? undefined : keyFromStandardUrl(url);
    if (key !== undefined) return key;
  }
  return undefined;
}

/** `https://www.iso.org/standard/81230.html` → `iso:81230`; a flagship URL (`/standard/42001`) gives none. */
export function keyFromStandardUrl(url: string): string | undefined {
  const csnumber = url.match(/\/standard\/(\d{1,9})\.html?(?:[?#]|$)/)?.[1];
  return csnumber === undefined ? undefined : `iso:${csnumber}`;
}

/**
 * The reference the page gives the document, dated when the page says which edition is current:
 * the flagship heading says "ISO/IEC 27001" and, below it, "Current edition: ISO/IEC 27001:2022".
 */
export function readReference($: CheerioAPI): string | undefined {
  const firstText = (selector: string) => () => [withoutBracketNotes($(selector).first().text())];
  const reference = firstAccepted(
    [
      firstText('[id^=itemReference]'),
      firstText('#docRef'),
      firstText('h1.stdTitle span'),
      () => [
        withoutBracketNotes(
          $('h1')
            .first()
            .contents()
            .filter((_, node) => node.type === 'text')
            .text(),
        ),
      ],
    ],
    (text) => text !== '',
  );
  if (reference === undefined) return undefined;

  const current = withoutBracketNotes(currentEditionText($));
  return current.startsWith(`${reference}:`) ? current : reference;
}

function currentEditionText($: CheerioAPI): string {
  const paragraph = $('p')
    .toArray()
    .find((p) => /current edition|édition actuelle/i.test($(p).text()));
  return paragraph === undefined ? '' : $(paragraph).find('strong').first().text();
}

/** "<csnumber> - <reference> - <title>" → the title; found by hand, as a regex for it backtracks (cubic). */
function titleOfIndex(indexed: string): string | undefined {
  const prefix = /^\d+ - /.exec(indexed);
  if (prefix === null) return undefined;
  const at = indexed.indexOf(' - ', prefix[0].length);
  return at < 0 ? undefined : indexed.slice(at + 3);
}

/**
 * The title as the page gives it (French pages give the French title). `#indexReference` carries
 * "<csnumber> - <reference> - <title>" in every era; the headings are the fallback.
 */
export function readTitle($: CheerioAPI): string | undefined {
  const fromIndex = titleOfIndex(collapseWhitespace($('[id^=indexReference]').attr('data-index') ?? ''));
  if (fromIndex !== undefined && collapseWhitespace(fromIndex) !== '') return joinTitleParts([fromIndex]);

  const headings = firstAccepted(
    [
      () => [$('h1.stdTitle .lead').first()], // E7
      () => [$('nav.nav-relatives').first().children('h2, h3, h4')], // E2–E6, one heading per part from E6
      () => [$('.heading-condensed > h2').first()], // E1
    ],
    (source) => collapseWhitespace(source.text()) !== '',
  );
  const title = headings === undefined ? '' : joinTitleParts(headings.map((_, h) => $(h).text()).get());
  return title === '' ? undefined : title;
}
