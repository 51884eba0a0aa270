import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_DUMP, catalogueConfig, ensureDumps, SC42, startDumpServer } from './dump-server.js';
import { countFlag, machineLine, mbRange, msRange, ratio, verdict } from './figures.js';
import { canMeasurePeakRss, REGWATCH_BIN, requireBuiltCli, runExpecting } from './whole-process.js';

// Issue 11: the catalogue refresh as a user runs it, whole process (`regwatch refresh`, built CLI),
// on the synthetic 80,000-row dump (bench/make-dump.ts) served from 127.0.0.1 with no pacing:
// the first refresh (download, spool, hash, extract, store, publish) beside a 25-line node script
// that streams the same dump, hashes it and JSON-parses the committee's rows
// (catalogue-reference.mjs), and the next refresh, answered 304. Runs are interleaved.
// Goals: first refresh within 1.5x of the script; 304 under 0.3 s; peak RSS under 200 MB.
//
//   npm run bench:catalogue [-- --rounds 5]      (builds dist/ first; writes the dumps if absent)

const rounds = countFlag('rounds', 5);
requireBuiltCli();
ensureDumps();
const server = await startDumpServer(BASE_DUMP);
const work = mkdtempSync(join(tmpdir(), 'regwatch-bench-catalogue-'));
const configFile = join(work, 'config.json');
writeFileSync(configFile, JSON.stringify(catalogueConfig(server.url)));
const node = process.execPath;
const reference = join(import.meta.dirname, 'catalogue-reference.mjs');

const samples = { reference: [] as number[], first: [] as number[], notModified: [] as number[] };
const rss = { reference: [] as Array<number | null>, first: [] as Array<number | null>, notModified: [] as Array<number | null> };
let referenceRows = 0;
let firstLine = '';
let notModifiedLine = '';
try {
  for (let round = 0; round < rounds; round++) {
    const script = await runExpecting(0, node, [reference, server.url, SC42], { peakRss: true });
    referenceRows = (JSON.parse(script.stdout) as { rows: number }).rows;
    samples.reference.push(script.wallMs);
    rss.reference.push(script.peakRssMb);

    const dataDir = join(work, `data-${round}`);
    const refresh = ['refresh', '--config', configFile, '--data', dataDir, '--quiet'];
    const first = await runExpecting(0, node, [REGWATCH_BIN, ...refresh], { peakRss: true });
    samples.first.push(first.wallMs);
    rss.first.push(first.peakRssMb);
    firstLine = first.stdout.trim().slice(0, 100);

    const again = await runExpecting(0, node, [REGWATCH_BIN, ...refresh], { peakRss: true });
    samples.notModified.push(again.wallMs);
    rss.notModified.push(again.peakRssMb);
    notModifiedLine = again.stdout.trim();
    rmSync(dataDir, { recursive: true, force: true });
  }
} finally {
  await server.close();
  rmSync(work, { recursive: true, force: true });
}

const first = ratio(samples.first, samples.reference);
console.log(machineLine());
console.log(
  `dump: ${BASE_DUMP}, ${(statSync(BASE_DUMP).size / 1e6).toFixed(1)} MB, from 127.0.0.1; ${rounds} interleaved runs each; whole process, spawn to exit${canMeasurePeakRss() ? '' : ' (no /usr/bin/time: peak RSS not measured)'}`,
);
console.log('| run | wall | peak RSS | ratio | goal |');
console.log('| --- | ---: | ---: | ---: | --- |');
console.log(`| reference script (${referenceRows} rows of ${SC42}) | ${msRange(samples.reference)} | ${mbRange(rss.reference)} | 1.00x | |`);
console.log(
  `| \`regwatch refresh\`, first (${firstLine}) | ${msRange(samples.first)} | ${mbRange(rss.first)} | ${first.toFixed(2)}x | ≤ 1.5x: ${verdict(first <= 1.5)} |`,
);
console.log(
  `| \`regwatch refresh\`, answered 304 (${notModifiedLine}) | ${msRange(samples.notModified)} | ${mbRange(rss.notModified)} | | < 300 ms: ${verdict(Math.max(...samples.notModified) < 300)} |`,
);
const peak = Math.max(...[...rss.first, ...rss.notModified].map((x) => x ?? 0));
if (canMeasurePeakRss()) console.log(`peak RSS of regwatch: ${peak} MB (goal < 200 MB: ${verdict(peak < 200)})`);
