import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countFlag, machineLine } from './figures.js';
import { startRecordedPages } from './recorded-pages.js';
import { REGWATCH_BIN, requireBuiltCli, runExpecting, runProcess } from './whole-process.js';

// How often a refresh waits for the disk: the fsync and fdatasync calls of `regwatch refresh`
// (built CLI, whole process, strace -f) on the 40 recorded iso.org pages of bench:pages, a first
// refresh on an empty store, then an unchanged one. A count, not a time: on an idle fast disk an
// fsync is nearly free, on a busy or slow one each costs milliseconds.
//
//   npm run bench:fsyncs [-- --rounds 3]      (builds dist/ first; needs `apt-get install strace`)

const PAGES = 40;
const rounds = countFlag('rounds', 3);
requireBuiltCli();
const probe = await runProcess('strace', ['-V']).catch(() => null);
if (probe === null || probe.code !== 0) {
  console.error('strace is not installed: apt-get install -y strace');
  process.exit(2);
}

const recorded = await startRecordedPages(PAGES);
const work = mkdtempSync(join(tmpdir(), 'regwatch-bench-fsyncs-'));
const config = join(work, 'regwatch.json');
recorded.writeRegwatchConfig(config);

async function syncsOf(dataDir: string, name: string): Promise<number> {
  const trace = join(work, `${name}.strace`);
  await runExpecting(0, 'strace', [
    '-f',
    '-qq',
    '-e',
    'trace=fsync,fdatasync',
    '-o',
    trace,
    process.execPath,
    REGWATCH_BIN,
    'refresh',
    '--config',
    config,
    '--data',
    dataDir,
    '--quiet',
  ]);
  return readFileSync(trace, 'utf8')
    .split('\n')
    .filter((line) => /\b(fsync|fdatasync)\(/.test(line)).length;
}

const counts = { first: [] as number[], unchanged: [] as number[] };
try {
  for (let round = 0; round < rounds; round++) {
    const dataDir = join(work, `data-${round}`);
    counts.first.push(await syncsOf(dataDir, `first-${round}`));
    counts.unchanged.push(await syncsOf(dataDir, `unchanged-${round}`));
  }
} finally {
  await recorded.loopback.close();
  rmSync(work, { recursive: true, force: true });
}
console.log(machineLine());
console.log(`${PAGES} recorded iso.org pages on ${PAGES} loopback hosts; fsync + fdatasync calls of the whole process, ${rounds} runs each`);
console.log('| refresh | disk syncs |');
console.log('| --- | ---: |');
console.log(`| first (empty store) | ${[...new Set(counts.first)].join(', ')} |`);
console.log(`| unchanged | ${[...new Set(counts.unchanged)].join(', ')} |`);
