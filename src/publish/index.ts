import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import type { SourceReport } from '../model/source-report.js';
import type { Item } from '../model/item.js';
import { writeFileAtomicallyIfChanged } from './atomic-write.js';
import { renderAtom } from './atom.js';
import { renderChangesJson } from './changes-json.js';
import type { FeedView } from './feed-view.js';
import { renderJsonFeed } from './json-feed.js';
import { PublishError } from './publish-error.js';
import { renderRss } from './rss.js';
import { oneLine } from './sanitize.js';
import { renderSourcesJson } from './sources-json.js';
import { publishableItems } from './validate-items.js';
import { FEED_FILE_OF, type FeedFile, type PublishedFile } from './published-files.js';
import { assertWellFormedXml } from './xml-check.js';

// The publish step: a pure projection of stored items and source reports into the five files of
// spec/outputs.md (render), then atomic writes of the files whose bytes changed (publish).

export { PublishError };

export interface FeedSite {
  title: string;
  /** Base URL the files are served under, e.g. http://127.0.0.1:8080/ */
  publicUrl: string;
  description: string;
  /** The feeds' language (RSS language, Atom xml:lang, JSON Feed language). Default `en`: summaries use the publishers' English stage words. */
  language?: string;
  /** A WebSub hub (W3C WebSub): RSS and Atom then carry rel="hub" beside rel="self", JSON Feed a `hubs` entry; ping it with pingHub after a publish that changed a feed. */
  websubHub?: string;
}

export interface PublishInput {
  site: FeedSite;
  /** Newest first; kept in this order. */
  items: Item[];
  /** Items in each of the three feeds; changes.json carries all of `items`. */
  feedItems: number;
  sources: SourceReport[];
  /** ISO 8601 UTC, passed in: never the clock, so the same input gives the same bytes. */
  generatedAt: string;
}

export type FeedInput = Pick<PublishInput, 'site' | 'items' | 'feedItems' | 'generatedAt'>;

export { FEED_FILES, PUBLISHED_FILES, type FeedFile, type PublishedFile } from './published-files.js';

/** Where a rendered feed sits under publicUrl, and the page it links to. */
export interface FeedPlace {
  /** `sources/iso_42005/`: the feed's own folder under publicUrl. */
  basePath?: string;
  /** `min-severity=major`: names a filtered feed in its self links and ids. */
  query?: string;
  /** `source-iso_42005`: the home page link is publicUrl's page at this anchor (a feed's folder has no page of its own). */
  homeFragment?: string;
}

/** feed.xml, feed.atom, feed.json for these items, placed as `place` says. */
export function renderFeeds(input: FeedInput, place: FeedPlace = {}): Map<FeedFile, string> {
  return checkedXml(renderFeedFiles(input, publishableItems(input.items), place));
}

/** The five files, name → contents. Pure; throws PublishError when any of them would be invalid. */
export function renderOutputs(input: PublishInput): Map<PublishedFile, string> {
  return checkedXml(renderUnchecked(input));
}

/**
 * Renders everything first (a refusal writes nothing), then replaces only the files whose bytes
 * differ. The XML is parsed only where it differs from what is published: bytes already published
 * were checked when they were written, so a refresh that changed no feed parses none.
 */
export async function publish(
  dir: string,
  input: PublishInput,
  options: { afterFile?: (name: string) => void } = {},
): Promise<{ written: string[]; unchanged: string[] }> {
  const files = renderUnchecked(input);
  for (const [name, bytes] of files) {
    if (isXmlFile(name) && !(await holds(dir, name, bytes))) assertWellFormedXml(name, bytes);
  }
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const unchanged: string[] = [];
  for (const [name, bytes] of files) {
    const outcome = await writeFileAtomicallyIfChanged(dir, name, bytes);
    (outcome === 'written' ? written : unchanged).push(name);
    options.afterFile?.(name);
  }
  return { written, unchanged };
}

/**
 * sources.json alone, for a refresh whose feeds and changes.json are already published from the
 * same inputs (publish-state.ts): `kept` are reported unchanged, in the order publish reports them.
 */
export async function publishSources(
  dir: string,
  input: Pick<PublishInput, 'sources' | 'generatedAt'>,
  kept: readonly PublishedFile[],
  options: { afterFile?: (name: string) => void } = {},
): Promise<{ written: string[]; unchanged: string[] }> {
  const bytes = renderSourcesJson(input.sources, checkedGeneratedAt(input.generatedAt));
  for (const name of kept) options.afterFile?.(name);
  const outcome = await writeFileAtomicallyIfChanged(dir, 'sources.json', bytes);
  options.afterFile?.('sources.json');
  return outcome === 'written' ? { written: ['sources.json'], unchanged: [...kept] } : { written: [], unchanged: [...kept, 'sources.json'] };
}

function renderUnchecked(input: PublishInput): Map<PublishedFile, string> {
  const items = publishableItems(input.items);
  const generatedAt = checkedGeneratedAt(input.generatedAt);
  const out: Map<PublishedFile, string> = renderFeedFiles(input, items, {});
  out.set('changes.json', renderChangesJson(items, generatedAt));
  out.set('sources.json', renderSourcesJson(input.sources, generatedAt));
  return out;
}

function isXmlFile(name: PublishedFile): boolean {
  return name === FEED_FILE_OF.rss || name === FEED_FILE_OF.atom;
}

function checkedXml<Name extends PublishedFile>(files: Map<Name, string>): Map<Name, string> {
  for (const [name, bytes] of files) if (isXmlFile(name)) assertWellFormedXml(name, bytes);
  return files;
}

/** True when dir/name holds exactly these bytes already. */
async function holds(dir: string, name: string, bytes: string): Promise<boolean> {
  const current = await readFile(join(dir, name)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  return current !== undefined && current.equals(Buffer.from(bytes, 'utf8'));
}

function renderFeedFiles(input: FeedInput, items: Item[], place: FeedPlace): Map<FeedFile, string> {
  const view = feedView(input, items, place);
  return new Map([
    [FEED_FILE_OF.rss, renderRss(view)],
    [FEED_FILE_OF.atom, renderAtom(view)],
    [FEED_FILE_OF.json, renderJsonFeed(view)],
  ]);
}

function feedView(input: FeedInput, items: Item[], { basePath = '', query = '', homeFragment }: FeedPlace): FeedView {
  const base = feedBaseUrl(input.site.publicUrl, basePath);
  const self = (file: string) => {
    const url = new URL(file, base);
    url.search = query;
    return url.href;
  };
  const home = homeFragment === undefined ? base : `${feedBaseUrl(input.site.publicUrl, '')}#${encodeURIComponent(homeFragment)}`;
  const generatedAt = checkedGeneratedAt(input.generatedAt);
  const feedItems = items.slice(0, Math.max(0, Math.floor(input.feedItems)));
  return {
    title: oneLine(input.site.title),
    description: oneLine(input.site.description),
    language: checkedLanguage(input.site.language ?? 'en'),
    ...(input.site.websubHub === undefined ? {} : { hubUrl: checkedHubUrl(input.site.websubHub) }),
    homePageUrl: home,
    urls: { rss: self(FEED_FILE_OF.rss), atom: self(FEED_FILE_OF.atom), json: self(FEED_FILE_OF.json) },
    generatedAt,
    // The most recently observed item's date (generatedAt), not the first item's: a run files its items in key order.
    updated: generatedAt,
    items: feedItems,
  };
}

function feedBaseUrl(publicUrl: string, basePath: string): string {
  let root: URL;
  try {
    root = new URL(publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`);
  } catch {
    throw new PublishError(`site.publicUrl is not a URL: ${JSON.stringify(publicUrl)}`);
  }
  if (basePath === '') return root.href;
  const path = basePath.replace(/^\/+/, '');
  return new URL(path.endsWith('/') ? path : `${path}/`, root).href;
}

function checkedLanguage(language: string): string {
  // RFC 5646 language tag, as RSS language, xml:lang and JSON Feed language all take.
  if (!/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(language)) throw new PublishError(`site.language is not a language tag: ${JSON.stringify(language)}`);
  return language;
}

function checkedHubUrl(hub: string): string {
  const url = URL.parse(hub);
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new PublishError(`site.websubHub is not an http(s) URL: ${JSON.stringify(hub)}`);
  return url.href;
}

const generatedAtSchema = z.string().datetime();

function checkedGeneratedAt(generatedAt: string): string {
  if (!generatedAtSchema.safeParse(generatedAt).success) {
    throw new PublishError(`generatedAt must be an ISO 8601 UTC date-time, got ${JSON.stringify(generatedAt)}`);
  }
  return generatedAt;
}
