import type { Item } from '../model/item.js';
import { type FeedView, rfc822 } from './feed-view.js';
import { EVENT_SCHEME, SEVERITY_SCHEME, itemHtml, itemLink, itemTitle } from './item-facts.js';
import { el, xmlDocument, type XmlElement } from './xml-writer.js';

// RSS 2.0 (https://www.rssboard.org/rss-specification) with Dublin Core for rights and source and
// DCMI Terms for the licence URI (spec/outputs.md).

const NAMESPACES = {
  'xmlns:atom': 'http://www.w3.org/2005/Atom',
  'xmlns:dc': 'http://purl.org/dc/elements/1.1/',
  'xmlns:dcterms': 'http://purl.org/dc/terms/',
};

export function renderRss(feed: FeedView): string {
  const channel = el(
    'channel',
    {},
    el('title', {}, feed.title),
    el('link', {}, feed.homePageUrl),
    el('description', {}, feed.description),
    el('language', {}, feed.language),
    el('lastBuildDate', {}, rfc822(feed.generatedAt)),
    el('generator', {}, 'regwatch'),
    el('docs', {}, 'https://www.rssboard.org/rss-specification'),
    el('atom:link', { href: feed.urls.rss, rel: 'self', type: 'application/rss+xml' }),
    feed.hubUrl === undefined ? undefined : el('atom:link', { href: feed.hubUrl, rel: 'hub' }),
    ...feed.items.map(rssItem),
  );
  return xmlDocument(el('rss', { version: '2.0', ...NAMESPACES }, channel));
}

function rssItem(item: Item): XmlElement {
  return el(
    'item',
    {},
    el('title', {}, itemTitle(item)),
    el('link', {}, itemLink(item)),
    el('guid', { isPermaLink: 'false' }, item.id),
    el('pubDate', {}, rfc822(item.observedAt)),
    el('description', {}, itemHtml(item)),
    el('category', { domain: SEVERITY_SCHEME }, item.severity),
    el('category', { domain: EVENT_SCHEME }, item.event),
    el('dc:rights', {}, item.licence.rights),
    el('dc:source', {}, item.provenance.url),
    item.licence.uri === undefined ? undefined : el('dcterms:license', {}, item.licence.uri),
  );
}
