import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore, type ItemQuery } from '../src/store/store.js';
import { databasePath } from '../src/runtime/open-runtime.js';
import { storedItemSchema } from '../src/model/item.js';
import { changesPage } from '../src/server/changes-route.js';
import { insertItems, syntheticItem } from '../test/serve-seed.js';
import { countFlag } from './figures.js';

// What checking items as they are read back costs, over a store of 100,000 items: for each read the
// server, publish and the CLI make, store.items() once its rows are checked (SQL and JSON.parse:
// a row is checked once per process) beside the check alone (storedItemSchema over the same items),
// which is what checking on every read would add; and /changes.json?min-severity=major as served.
//
//   node --import tsx bench/item-validation.ts [--items 100000] [--rounds 200]

function medianOf(times: number[]): number {
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

function median(run: () => void, rounds: number): number {
  return medianOf(
    Array.from({ length: rounds }, () => {
      const started = performance.now();
      run();
      return performance.now() - started;
    }),
  );
}

const itemCount = countFlag('items', 100_000);
const rounds = countFlag('rounds', 200);
const dataDir = mkdtempSync(join(tmpdir(), 'regwatch-item-validation-'));
const path = databasePath(dataDir);
const seeding = openStore(path);
insertItems(
  seeding,
  Array.from({ length: itemCount }, (_, n) => syntheticItem(n)),
);
seeding.close();
const store = openStore(path);
try {
  const reads: Array<[string, ItemQuery, number]> = [
    ['/changes.json?min-severity=major (a page of 100)', { minSeverity: 'major', limit: 100 }, rounds],
    ['/changes.json generatedAt (newest item)', { limit: 1 }, rounds],
    ['/iso_42005/feed.xml (feedItems 100)', { source: 'iso_42005', limit: 100 }, rounds],
    ['publish (changelogItems 1000)', { limit: 1000 }, Math.max(5, Math.round(rounds / 10))],
    ['regwatch changes --last 1000000 (every item)', { limit: 1_000_000 }, 3],
  ];
  console.log(`${itemCount} items; medians; node ${process.version}`);
  console.log('| read | items | rounds | store.items() ms, rows checked before | the check alone ms | check / read |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, query, n] of reads) {
    const items = store.items(query).items; // checks these rows, once for this process
    const read = median(() => store.items(query), n);
    const check = median(() => items.forEach((item) => storedItemSchema.parse(item)), n);
    console.log(`| ${name} | ${items.length} | ${n} | ${read.toFixed(3)} | ${check.toFixed(3)} | ${((100 * check) / read).toFixed(0)} % |`);
  }
  const page = median(() => changesPage(store, { minSeverity: 'major', limit: 100 }, []), rounds);
  console.log(`\nchangesPage(min-severity=major, limit 100), the whole JSON body as served (rows checked before): ${page.toFixed(3)} ms median over ${rounds}`);
} finally {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
