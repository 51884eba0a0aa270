import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { BASE_DUMP, CHANGED_DUMP, catalogueConfig, ensureDumps, startDumpServer, TSX_IMPORT } from './dump-server.js';

// Issue 3's benchmark: a full refresh of the ISO Open Data source against a synthetic 80,000-row
// dump (~64 MB, bench/make-dump.ts) served from 127.0.0.1 with ETag and Last-Modified, in three
// situations: (a) the first refresh (baseline), (b) the next day answered 304, (c) a dump in which
// 1% of the rows changed. Each refresh runs in its own process (bench/refresh-once.ts), so its peak
// RSS is its own. Goals on 2 cores: (a), (c) < 5 s and < 300 MB; (b) < 0.5 s.
//
//   npm run bench:opendata        (writes the dumps to $TMPDIR/regwatch-bench first if absent)

const here = import.meta.dirname;
ensureDumps();
const server = await startDumpServer(BASE_DUMP);
const config = JSON.stringify(catalogueConfig(server.url));
const dataDir = mkdtempSync(join(tmpdir(), 'regwatch-bench-data-'));

/** The child runs asynchronously: this process keeps serving the dump meanwhile. */
async function refreshOnce(label: string, goalMs: number): Promise<void> {
  const before = server.requests();
  const out = await new Promise<string>((done, fail) => {
    const child = spawn(process.execPath, ['--import', TSX_IMPORT, join(here, 'refresh-once.ts'), dataDir, config], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.on('exit', (code) => (code === 0 ? done(text) : fail(new Error(`${label}: refresh exited ${code}`))));
  });
  const r = JSON.parse(out) as { wallMs: number; peakRssMb: number; rssAtStartMb: number; verdicts: string[]; itemsCreated: number };
  const verdict = r.wallMs <= goalMs && (goalMs < 1000 || r.peakRssMb < 300) ? 'within goal' : 'OVER GOAL';
  console.log(
    `${label.padEnd(28)} wall ${String(r.wallMs).padStart(5)} ms  peak RSS ${String(r.peakRssMb).padStart(4)} MB (process start ${r.rssAtStartMb} MB)  requests ${server.requests() - before}  items +${r.itemsCreated}  ${r.verdicts.join(', ')}  [${verdict}]`,
  );
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
console.log(`dump: ${BASE_DUMP} (${(statSync(BASE_DUMP).size / 1e6).toFixed(1)} MB)`);
try {
  await refreshOnce('(a) first refresh, baseline', 5000);
  await refreshOnce('(b) unchanged, answered 304', 500);
  server.serve(CHANGED_DUMP);
  await refreshOnce('(c) 1% of rows changed', 5000);
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
