import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startLoopbackHosts, type LoopbackHosts } from './loopback-hosts.js';

// `count` recorded iso.org pages (every markup era, from ../shared/fixtures), each served on its own
// loopback host (127.0.0.1 … 127.0.0.<count>), and a regwatch config that watches them with no pacing.

export interface RecordedPages {
  loopback: LoopbackHosts;
  /** One URL per host, in host order. */
  urls: string[];
  /** Writes the regwatch config (JSON) that watches every page. */
  writeRegwatchConfig(file: string): void;
}

interface ManifestRow {
  file: string;
  dir: string;
  url: string;
}

export async function startRecordedPages(count: number): Promise<RecordedPages> {
  const fixtures = process.env.REGWATCH_FIXTURES ?? resolve(import.meta.dirname, '../../shared/fixtures');
  const rows = (JSON.parse(readFileSync(join(fixtures, 'manifest.json'), 'utf8')) as ManifestRow[]).filter((row) => row.dir === 'iso-pages');
  // Spread over the whole manifest, which lists each page's recordings in order: every era is in.
  const chosen = Array.from({ length: count }, (_, i) => rows[Math.floor((i * rows.length) / count)]!);
  const pages = chosen.map((row) => ({ path: new URL(row.url).pathname, body: readFileSync(join(fixtures, row.dir, row.file)) }));
  const loopback = await startLoopbackHosts(count, (host, req, res) => {
    const page = pages[Number(host.split('.')[3]) - 1]!;
    if (req.url !== page.path) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': page.body.length }).end(page.body);
  });
  const urls = loopback.hosts.map((host, i) => `http://${host}:${loopback.port}${pages[i]!.path}`);
  return {
    loopback,
    urls,
    writeRegwatchConfig(file) {
      const sources = urls.map((url, i) => ({ id: `page${String(i + 1).padStart(2, '0')}`, watcher: 'iso-page', url }));
      writeFileSync(file, JSON.stringify({ allowPrivateNetwork: true, hostIntervalSeconds: 0, sources }));
    },
  };
}
