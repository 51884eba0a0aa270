import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { underCI } from './ci.js';

// Real feed clients, run on the published files. A missing client fails the test when CI is set
// (a CI image without them would otherwise pass while checking nothing) and skips it, loudly,
// on a developer machine.

export const SYSTEM_PYTHON = '/usr/bin/python3';
export const XMLLINT = '/usr/bin/xmllint';
export const NEWSBOAT = '/usr/bin/newsboat';

export function itWithClient(title: string, missing: string | undefined, test: () => Promise<void> | void, timeout?: number): void {
  if (missing === undefined) {
    it(title, test, timeout);
  } else if (underCI) {
    it(title, () => {
      throw new Error(`${missing}; CI is set, so a missing feed client is a failure`);
    });
  } else {
    console.warn(`skipping "${title}": ${missing} (set CI=1 to make this a failure)`);
    it.skip(`${title} [skipped: ${missing}]`, test);
  }
}

export function missingExecutable(path: string): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return undefined;
  } catch {
    return `${path} not found`;
  }
}

export function missingFeedparser(): string | undefined {
  const python = missingExecutable(SYSTEM_PYTHON);
  if (python !== undefined) return python;
  const probe = spawnSync(SYSTEM_PYTHON, ['-c', 'import feedparser'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `python3-feedparser not importable by ${SYSTEM_PYTHON}`;
}

export interface FeedparserResult {
  bozo: boolean;
  bozoException: string | null;
  version: string;
  feedTitle: string;
  entries: Array<{
    id: string;
    title: string;
    link: string;
    tags: Array<{ term: string; scheme: string | null }>;
    rights: string | null;
    published: string | null;
  }>;
}

const FEEDPARSER_SCRIPT = `
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({
  "bozo": bool(d.bozo),
  "bozoException": str(d.get("bozo_exception")) if d.bozo else None,
  "version": d.version,
  "feedTitle": d.feed.get("title"),
  "entries": [{
    "id": e.get("id"), "title": e.get("title"), "link": e.get("link"),
    "tags": [{"term": t.get("term"), "scheme": t.get("scheme")} for t in e.get("tags", [])],
    "rights": e.get("rights"), "published": e.get("published"),
  } for e in d.entries],
}))
`;

export function runFeedparser(file: string): FeedparserResult {
  const run = spawnSync(SYSTEM_PYTHON, ['-c', FEEDPARSER_SCRIPT, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`feedparser failed on ${file}: ${run.stderr}`);
  return JSON.parse(run.stdout) as FeedparserResult;
}

/** xmllint's verdict: exit status and whatever it complained about. */
export function runXmllint(file: string): { status: number | null; stderr: string } {
  const run = spawnSync(XMLLINT, ['--noout', file], { encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

/** Serves the files of `dir` on 127.0.0.1 (newsboat only reads http(s) URLs). */
export async function serveDirectory(dir: string): Promise<{ url: (name: string) => string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const name = (request.url ?? '/').slice(1);
    if (!/^[a-z.]+$/.test(name)) return void response.writeHead(404).end();
    try {
      const body = readFileSync(join(dir, name));
      const type = name.endsWith('.atom') ? 'application/atom+xml' : name.endsWith('.xml') ? 'application/rss+xml' : 'application/json';
      response.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${name}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/**
 * `newsboat -x reload print-unread` with its own config, cache and HOME, so nothing of the user's
 * is read or written. Async: the feed is served from this same process.
 */
export async function runNewsboat(feedUrl: string): Promise<{ unread: number | undefined; stdout: string; stderr: string; log: string }> {
  const home = mkdtempSync(join(tmpdir(), 'regwatch-newsboat-'));
  try {
    writeFileSync(join(home, 'urls'), `${feedUrl}\n`);
    writeFileSync(join(home, 'config'), '');
    const args = [
      '-x',
      'reload',
      'print-unread',
      '-u',
      join(home, 'urls'),
      '-c',
      join(home, 'cache.db'),
      '-C',
      join(home, 'config'),
      '-l',
      '6',
      '-d',
      join(home, 'log'),
    ];
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', no_proxy: '127.0.0.1' };
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(NEWSBOAT, args, { env, timeout: 30_000 }, (error, out, err) =>
        error ? reject(Object.assign(error, { stderr: err })) : resolve({ stdout: out, stderr: err }),
      );
    });
    const match = /^(\d+) unread articles?/m.exec(stdout);
    return { unread: match ? Number(match[1]) : undefined, stdout, stderr, log: readFileSync(join(home, 'log'), 'utf8') };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
