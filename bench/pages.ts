import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countFlag, machineLine, mbRange, msRange, ratio, verdict } from './figures.js';
import { startRecordedPages } from './recorded-pages.js';
import { canMeasurePeakRss, REGWATCH_BIN, requireBuiltCli, runExpecting, runProcess, type ProcessRun } from './whole-process.js';

// Issue 11: 40 recorded iso.org pages (every markup era, from ../shared/fixtures), each on its own
// loopback host (127.0.0.1 … 127.0.0.40), checked with no pacing (hostIntervalSeconds 0) by
// `regwatch refresh` (built CLI, whole process) and by urlwatch (Debian's, `css: body` then
// `html2text`, its usual way to watch a page's text): a baseline run on an empty store, then an
// unchanged run. Runs are interleaved. Goal: regwatch at most 1.0x urlwatch.
//
//   npm run bench:pages [-- --rounds 5]      (builds dist/ first; needs `apt-get install urlwatch`)

const PAGES = 40;
const rounds = countFlag('rounds', 5);
requireBuiltCli();

const recorded = await startRecordedPages(PAGES);
const { loopback, urls } = recorded;
const work = mkdtempSync(join(tmpdir(), 'regwatch-bench-pages-'));
const regwatchConfig = join(work, 'regwatch.json');
recorded.writeRegwatchConfig(regwatchConfig);
// JSON is YAML: urlwatch reads these as they are.
const urlwatchJobs = join(work, 'urls.yaml');
writeFileSync(urlwatchJobs, urls.map((url, i) => JSON.stringify({ name: `page${i + 1}`, url, filter: [{ css: 'body' }, 'html2text'] })).join('\n---\n'));
const urlwatchConfig = join(work, 'urlwatch.yaml');
writeFileSync(urlwatchConfig, JSON.stringify({ report: { stdout: { enabled: true, color: false } } }));

const node = process.execPath;
const urlwatch = (cache: string) => ['--urls', urlwatchJobs, '--config', urlwatchConfig, '--cache', cache, '--hooks', join(work, 'no-hooks.py')];
const samples = { regwatchBaseline: [] as number[], regwatchUnchanged: [] as number[], urlwatchBaseline: [] as number[], urlwatchUnchanged: [] as number[] };
const rss: Record<keyof typeof samples, Array<number | null>> = { regwatchBaseline: [], regwatchUnchanged: [], urlwatchBaseline: [], urlwatchUnchanged: [] };
const verdicts = { baseline: '', unchanged: '' };
const take = (name: keyof typeof samples, run: ProcessRun): ProcessRun => {
  samples[name].push(run.wallMs);
  rss[name].push(run.peakRssMb);
  return run;
};

/** `changed 40` from regwatch's one line per source. */
function verdictCounts(stdout: string): string {
  const counts = new Map<string, number>();
  for (const line of stdout.trim().split('\n')) {
    const word = line.split(/\s+/)[1] ?? '?';
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts].map(([word, n]) => `${word} ${n}`).join(', ');
}

try {
  const probe = await runProcess('urlwatch', ['--version']).catch(() => null);
  if (probe === null || probe.code !== 0) throw new Error('urlwatch is not installed: apt-get install -y urlwatch');
  for (let round = 0; round < rounds; round++) {
    const dataDir = join(work, `data-${round}`);
    const refresh = [REGWATCH_BIN, 'refresh', '--config', regwatchConfig, '--data', dataDir, '--quiet'];
    verdicts.baseline = verdictCounts(take('regwatchBaseline', await runExpecting(0, node, refresh, { peakRss: true })).stdout);
    const cache = join(work, `urlwatch-${round}.db`);
    const first = take('urlwatchBaseline', await runExpecting(0, 'urlwatch', urlwatch(cache), { peakRss: true }));
    const news = first.stdout.match(/^\d+\. NEW: /gm)?.length ?? 0;
    if (news !== PAGES) throw new Error(`urlwatch saw ${news} new pages of ${PAGES}:\n${first.stdout.slice(0, 2000)}`);
    verdicts.unchanged = verdictCounts(take('regwatchUnchanged', await runExpecting(0, node, refresh, { peakRss: true })).stdout);
    const again = take('urlwatchUnchanged', await runExpecting(0, 'urlwatch', urlwatch(cache), { peakRss: true }));
    if (/^\d+\. (ERROR|CHANGED|NEW): /m.test(again.stdout)) throw new Error(`urlwatch did not find every page unchanged:\n${again.stdout.slice(0, 2000)}`);
    rmSync(dataDir, { recursive: true, force: true });
  }
} finally {
  await loopback.close();
  rmSync(work, { recursive: true, force: true });
}

const baseline = ratio(samples.regwatchBaseline, samples.urlwatchBaseline);
const unchanged = ratio(samples.regwatchUnchanged, samples.urlwatchUnchanged);
console.log(machineLine());
console.log(
  `${PAGES} recorded iso.org pages on ${PAGES} loopback hosts, no pacing; ${rounds} interleaved runs each; whole process, spawn to exit${canMeasurePeakRss() ? '' : ' (no /usr/bin/time: peak RSS not measured)'}`,
);
console.log('| run | regwatch | urlwatch | regwatch / urlwatch | goal ≤ 1.0x |');
console.log('| --- | ---: | ---: | ---: | --- |');
console.log(
  `| baseline (regwatch: ${verdicts.baseline}) | ${msRange(samples.regwatchBaseline)}, ${mbRange(rss.regwatchBaseline)} | ${msRange(samples.urlwatchBaseline)}, ${mbRange(rss.urlwatchBaseline)} | ${baseline.toFixed(2)}x | ${verdict(baseline <= 1)} |`,
);
console.log(
  `| unchanged (regwatch: ${verdicts.unchanged}) | ${msRange(samples.regwatchUnchanged)}, ${mbRange(rss.regwatchUnchanged)} | ${msRange(samples.urlwatchUnchanged)}, ${mbRange(rss.urlwatchUnchanged)} | ${unchanged.toFixed(2)}x | ${verdict(unchanged <= 1)} |`,
);
