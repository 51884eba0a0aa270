import type { Item } from '../model/item.js';
import type { FeedView } from './feed-view.js';
import { EVENT_SCHEME, SEVERITY_SCHEME, itemHtml, itemLink, itemText, itemTitle } from './item-facts.js';
import { el, xmlDocument, type XmlElement } from './xml-writer.js';

// Atom 1.0 (RFC 4287): the same facts as RSS. The source page is link rel="related", the licence
// link rel="license" (RFC 4946), the rights line <rights>, severity and event are categories.

export function renderAtom(feed: FeedView): string {
  const root = el(
    'feed',
    { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': feed.language },
    el('id', {}, feed.urls.atom),
    el('title', { type: 'text' }, feed.title),
    el('subtitle', { type: 'text' }, feed.description),
    el('updated', {}, feed.updated),
    // alternate first: a reader took the first link as the site and showed the feed's own URL.
    el('link', { rel: 'alternate', type: 'text/html', href: feed.homePageUrl }),
    el('link', { rel: 'self', type: 'application/atom+xml', href: feed.urls.atom }),
    feed.hubUrl === undefined ? undefined : el('link', { rel: 'hub', href: feed.hubUrl }),
    el('author', {}, el('name', {}, feed.title)),
    el('generator', {}, 'regwatch'),
    ...feed.items.map(atomEntry),
  );
  return xmlDocument(root);
}

function atomEntry(item: Item): XmlElement {
  return el(
    'entry',
    {},
    el('id', {}, item.id),
    el('title', { type: 'text' }, itemTitle(item)),
    el('updated', {}, item.observedAt),
    el('published', {}, item.observedAt),
    el('link', { rel: 'alternate', href: itemLink(item) }),
    el('link', { rel: 'related', href: item.provenance.url }),
    item.licence.uri === undefined ? undefined : el('link', { rel: 'license', href: item.licence.uri }),
    el('category', { term: item.severity, scheme: SEVERITY_SCHEME, label: `severity: ${item.severity}` }),
    el('category', { term: item.event, scheme: EVENT_SCHEME, label: `event: ${item.event}` }),
    el('rights', { type: 'text' }, item.licence.rights),
    el('summary', { type: 'text' }, itemText(item)),
    el('content', { type: 'html' }, itemHtml(item)),
  );
}
