import { createServer } from 'node:http';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';

// Issue 3's benchmark: a full refresh of the ISO Open Data source against a synthetic 80,000-row
// dump (~64 MB, bench/make-dump.ts) served from 127.0.0.1 with ETag and Last-Modified, in three
// situations: (a) the first refresh (baseline), (b) the next day answered 304, (c) a dump in which
// 1% of the rows changed. Each refresh runs in its own process (bench/refresh-once.ts), so its peak
// RSS is its own. Goals on 2 cores: (a), (c) < 5 s and < 300 MB; (b) < 0.5 s.
//
//   npm run bench:opendata        (writes the dumps to $TMPDIR/regwatch-bench first if absent)

const here = import.meta.dirname;
const dumps = join(tmpdir(), 'regwatch-bench');
const tsx = pathToFileURL(resolve(here, '../node_modules/tsx/dist/loader.mjs')).href;
if (!existsSync(join(dumps, 'dump-1pct.jsonl'))) {
  execFileSync(process.execPath, ['--import', tsx, join(here, 'make-dump.ts'), dumps], { stdio: 'inherit' });
}

let served = join(dumps, 'dump-base.jsonl');
let requests = 0;
const server = createServer((req, res) => {
  requests += 1;
  const stat = statSync(served);
  const etag = `"${stat.size}-${stat.mtimeMs}"`;
  const lastModified = stat.mtime.toUTCString();
  if (req.url === '/robots.txt') return void res.writeHead(404).end();
  if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag, 'last-modified': lastModified }).end();
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-length': stat.size, etag, 'last-modified': lastModified });
  createReadStream(served).pipe(res);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/opendata/_latest/iso_deliverables_metadata/json/iso_deliverables_metadata.jsonl`;
const config = JSON.stringify({
  allowPrivateNetwork: true,
  hostIntervalSeconds: 0,
  sources: [{ id: 'iso_catalogue', watcher: 'iso-opendata', url, committees: ['ISO/IEC JTC 1/SC 42'], documents: [81230, 44545, 44546, 77304] }],
});
const dataDir = mkdtempSync(join(tmpdir(), 'regwatch-bench-data-'));

/** The child runs asynchronously: this process keeps serving the dump meanwhile. */
async function refreshOnce(label: string, goalMs: number): Promise<void> {
  const before = requests;
  const out = await new Promise<string>((done, fail) => {
    const child = spawn(process.execPath, ['--import', tsx, join(here, 'refresh-once.ts'), dataDir, config], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.on('exit', (code) => (code === 0 ? done(text) : fail(new Error(`${label}: refresh exited ${code}`))));
  });
  const r = JSON.parse(out) as { wallMs: number; peakRssMb: number; rssAtStartMb: number; verdicts: string[]; itemsCreated: number };
  const verdict = r.wallMs <= goalMs && (goalMs < 1000 || r.peakRssMb < 300) ? 'within goal' : 'OVER GOAL';
  console.log(`${label.padEnd(28)} wall ${String(r.wallMs).padStart(5)} ms  peak RSS ${String(r.peakRssMb).padStart(4)} MB (process start ${r.rssAtStartMb} MB)  requests ${requests - before}  items +${r.itemsCreated}  ${r.verdicts.join(', ')}  [${verdict}]`);
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log(`dump: ${served} (${(statSync(served).size / 1e6).toFixed(1)} MB)`);
try {
  await refreshOnce('(a) first refresh, baseline', 5000);
  await refreshOnce('(b) unchanged, answered 304', 500);
  served = join(dumps, 'dump-1pct.jsonl');
  await refreshOnce('(c) 1% of rows changed', 5000);
} finally {
  server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
