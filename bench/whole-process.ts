import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

// One program run as a person runs it, timed from spawn to exit: start-up, work and shutdown all
// counted. Peak RSS comes from GNU time (`/usr/bin/time`, Debian's `time`) where it is installed.

export const REGWATCH_BIN = resolve(import.meta.dirname, '../bin/regwatch.js');
const BUILT_CLI = resolve(import.meta.dirname, '../dist/src/cli/main.js');
const GNU_TIME = '/usr/bin/time';

export interface ProcessRun {
  wallMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** Null where GNU time is not installed or was not asked for. */
  peakRssMb: number | null;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  peakRss?: boolean;
}

/** The built CLI must be there: the benchmarks time what a user runs, not TypeScript compiled on the fly. */
export function requireBuiltCli(): void {
  if (!existsSync(BUILT_CLI)) {
    console.error(`no built CLI at ${BUILT_CLI}: run \`npm run build\` first`);
    process.exit(2);
  }
}

export function canMeasurePeakRss(): boolean {
  return existsSync(GNU_TIME);
}

export async function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<ProcessRun> {
  const rssDir = options.peakRss && canMeasurePeakRss() ? mkdtempSync(join(tmpdir(), 'regwatch-bench-rss-')) : null;
  const rssFile = rssDir === null ? null : join(rssDir, 'max-rss-kb');
  const [file, argv] = rssFile === null ? [command, args] : [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]];
  const started = performance.now();
  const child = spawn(file, argv, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('exit', (exitCode) => done(exitCode));
  });
  const wallMs = performance.now() - started;
  await new Promise<void>((done) => (child.stdout.closed && child.stderr.closed ? done() : child.once('close', () => done())));
  let peakRssMb: number | null = null;
  if (rssFile !== null && rssDir !== null) {
    const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1));
    peakRssMb = Number.isFinite(kb) ? Math.round(kb / 1024) : null;
    rmSync(rssDir, { recursive: true, force: true });
  }
  return { wallMs, code, stdout, stderr, peakRssMb };
}

/** Runs it and insists on the exit code: a failed run timed would be a wrong figure. */
export async function runExpecting(code: number, command: string, args: string[], options: RunOptions = {}): Promise<ProcessRun> {
  const run = await runProcess(command, args, options);
  if (run.code !== code) {
    throw new Error(`${command} ${args.join(' ')}: exited ${run.code}, expected ${code}\n${run.stderr.slice(-2000)}`);
  }
  return run;
}
