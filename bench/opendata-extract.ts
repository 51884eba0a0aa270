import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { extractOpenData } from '../watchers/iso-opendata/index.js';

// Wall time and peak RSS of the ISO Open Data extraction over a dump written by make-dump.ts.
// One extraction per process, so the peak RSS is this extraction's (plus Node and tsx themselves,
// printed before as "rss at start").
//
//   npx tsx bench/opendata-extract.ts <dump.jsonl> [known-keys.json]
//   e.g. the baseline:  npx tsx bench/opendata-extract.ts $TMPDIR/regwatch-bench/dump-base.jsonl
//        the next day:  npx tsx bench/opendata-extract.ts $TMPDIR/regwatch-bench/dump-1pct.jsonl $TMPDIR/regwatch-bench/known-keys.json

const [dump, knownFile] = process.argv.slice(2);
if (dump === undefined) {
  console.error('usage: opendata-extract.ts <dump.jsonl> [known-keys.json]');
  process.exit(2);
}
const knownKeys = new Set<string>(knownFile === undefined ? [] : (JSON.parse(readFileSync(knownFile, 'utf8')) as string[]));
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const startRss = process.memoryUsage().rss;
const started = performance.now();
const outcome = await extractOpenData(dump, {
  committees: ['ISO/IEC JTC 1/SC 42'],
  documents: [81230, 44545, 44546, 77304],
  knownKeys,
});
const wall = performance.now() - started;
const peakRss = process.resourceUsage().maxRSS * 1024;

console.log(`file           ${dump}`);
console.log(`outcome        ${outcome.kind === 'records' ? `${outcome.records.length} records` : `${outcome.kind}: ${outcome.reason}`}`);
console.log(`known keys     ${knownKeys.size}`);
console.log(`wall time      ${wall.toFixed(0)} ms`);
console.log(`rss at start   ${mb(startRss)}`);
console.log(`peak rss       ${mb(peakRss)}`);
