// Which of the two IEC webstore answers a source URL asks for, and which publication it is about.
// Only the path and query are read (not the host), so a test server on 127.0.0.1 serves the same URLs.
//
//   page     https://webstore.iec.ch/publication/160
//   history  https://webstore.iec.ch/webstore/webstore.nsf/AjaxRequestXML?Openagent&url=160            (H2, 2020–)
//            …/AjaxRequestXML?Openagent&url=http://www.iec.ch/dyn/www/f?p=103:390:::::P390_PUBLICATION_ID:161  (H1, –2019)

export type SourceUrl = { kind: 'page' | 'history'; pubid: string } | { kind: 'unknown' };

export function readSourceUrl(url: string): SourceUrl {
  const text = decoded(url);
  if (/\/AjaxRequestXML\b/i.test(text)) {
    const pubid = text.match(/P390_PUBLICATION_ID:(\d{1,9})\b/i)?.[1] ?? text.match(/[?&]url=(\d{1,9})(?:[&#]|$)/i)?.[1];
    return pubid === undefined ? { kind: 'unknown' } : { kind: 'history', pubid };
  }
  const pubid = publicationIdFromHref(text);
  return pubid === undefined ? { kind: 'unknown' } : { kind: 'page', pubid };
}

/** `/publication/61315`, absolute or relative, as the page links other publications. */
export function publicationIdFromHref(href: string): string | undefined {
  return href.match(/(?:^|\/)publication\/(\d{1,9})(?:[/?#&]|$)/)?.[1];
}

export function publicationPageUrl(pubid: string): string {
  return `https://webstore.iec.ch/publication/${pubid}`;
}

function decoded(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}
