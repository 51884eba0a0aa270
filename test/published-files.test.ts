import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishedFiles, type PublishedFiles } from '../src/server/feeds-route.js';

// What `regwatch serve` knows of the published files between requests: a version is kept in memory,
// and a publish (a rename into the folder, by this process or another) is served from the next
// request on, whether the file is new, replaced or gone.

const opened: PublishedFiles[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const files of opened.splice(0)) files.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regwatch-published-'));
  dirs.push(dir);
  return dir;
}

function watched(dir: string): PublishedFiles {
  const files = publishedFiles(dir);
  opened.push(files);
  return files;
}

/**
 * A request reaches the server in the event loop's poll phase, where the watch hears of a rename made
 * before it: wait until one poll phase has passed (an immediate runs after a poll, the next one after another).
 */
const nextRequest = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** As refresh publishes: a temp file in the folder, renamed over the old one. */
function publish(dir: string, name: string, text: string): void {
  writeFileSync(join(dir, `.${name}.000000000000.tmp`), text);
  renameSync(join(dir, `.${name}.000000000000.tmp`), join(dir, name));
}

describe('published files between requests', () => {
  it('keeps a version, and serves the next one from the request after its publish', async () => {
    const dir = folder();
    publish(dir, 'feed.json', '{"version":1}\n');
    const files = watched(dir);
    const first = await files.get('feed.json');
    expect(first?.body.toString()).toBe('{"version":1}\n');
    expect(await files.get('feed.json')).toBe(first);
    publish(dir, 'feed.json', '{"version":2}\n');
    await nextRequest();
    const second = await files.get('feed.json');
    expect(second?.body.toString()).toBe('{"version":2}\n');
    expect(second?.etag).not.toBe(first?.etag);
  });

  it('serves a file published after it was asked for, and answers 404 once it is gone', async () => {
    const dir = folder();
    const files = watched(dir);
    expect(await files.get('sources.json')).toBeNull();
    publish(dir, 'sources.json', '{"sources":[]}\n');
    await nextRequest();
    expect((await files.get('sources.json'))?.body.toString()).toBe('{"sources":[]}\n');
    unlinkSync(join(dir, 'sources.json'));
    await nextRequest();
    expect(await files.get('sources.json')).toBeNull();
  });

  it('a folder that does not exist yet: looked at on every request until it does', async () => {
    const dir = join(folder(), 'public');
    const files = watched(dir);
    expect(await files.get('feed.xml')).toBeNull();
    mkdirSync(dir);
    publish(dir, 'feed.xml', '<rss/>\n');
    await nextRequest();
    expect((await files.get('feed.xml'))?.body.toString()).toBe('<rss/>\n');
    publish(dir, 'feed.xml', '<rss version="2.0"/>\n');
    await nextRequest();
    expect((await files.get('feed.xml'))?.body.toString()).toBe('<rss version="2.0"/>\n');
  });
});
