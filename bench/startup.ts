import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/store.js';
import { databasePath } from '../src/runtime/data-dir.js';
import { insertItems, syntheticItem } from '../test/serve-seed.js';
import { countFlag, machineLine, msRange, ratio, verdict } from './figures.js';
import { REGWATCH_BIN, requireBuiltCli, runExpecting } from './whole-process.js';

// Issue 11: how long the built CLI takes, whole process, beside bare node (`node -e 0`), for
// `--version`, `changes` on a data folder with no database yet, and `changes` on a database of
// 1,000 items (the last 20 printed as a table). Runs are interleaved, so load on the machine falls
// on every command alike. Goal: within 1.5x of bare node.
//
//   npm run bench:startup [-- --rounds 20]      (builds dist/ first)

const rounds = countFlag('rounds', 20);
requireBuiltCli();
const dir = mkdtempSync(join(tmpdir(), 'regwatch-bench-startup-'));
const withDb = join(dir, 'with-db');
const store = openStore(databasePath(withDb));
insertItems(
  store,
  Array.from({ length: 1000 }, (_, n) => syntheticItem(n)),
);
store.close();

const node = process.execPath;
const commands: Array<{ label: string; args: string[] }> = [
  { label: '`node -e 0`', args: ['-e', '0'] },
  { label: '`regwatch --version`', args: [REGWATCH_BIN, '--version'] },
  { label: '`regwatch changes`, no database yet', args: [REGWATCH_BIN, 'changes', '--data', join(dir, 'empty')] },
  { label: '`regwatch changes`, 1,000 items', args: [REGWATCH_BIN, 'changes', '--data', withDb] },
];
const times = commands.map(() => [] as number[]);

try {
  for (const { args } of commands) await runExpecting(0, node, args); // warm the file cache
  for (let round = 0; round < rounds; round++) {
    for (const [i, { args }] of commands.entries()) times[i]!.push((await runExpecting(0, node, args, { cwd: dir })).wallMs);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(machineLine());
console.log(`whole process, spawn to exit, ${rounds} interleaved runs each`);
console.log('| command | wall | / `node -e 0` | goal ≤ 1.5x |');
console.log('| --- | ---: | ---: | --- |');
for (const [i, { label }] of commands.entries()) {
  const r = ratio(times[i]!, times[0]!);
  console.log(`| ${label} | ${msRange(times[i]!)} | ${r.toFixed(2)}x | ${i === 0 ? '' : verdict(r <= 1.5)} |`);
}
