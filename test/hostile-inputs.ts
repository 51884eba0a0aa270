import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ROBOTS_MAX_BYTES, isAllowed, parseRobots } from '../src/fetch/robots.js';
import { detectSoftError, INSPECTED_BYTES } from '../src/fetch/soft-error.js';
import { glance } from '../watchers/iso-opendata/glance.js';
import { scanHead } from '../watchers/iso-opendata/head-scan.js';
import { extractIsoPage } from '../watchers/iso-page/extract.js';
import { TSX_IMPORT } from './helpers/tsx.js';

// Inputs built to make a backtracking scan quadratic: each opening has no end, so a regex restarts
// at every one. The old soft-error scan took 36 s on 300 KB of `<!--`; these fill the whole
// inspected prefix (2 MB), where the old code would take about half an hour each. Each scenario
// returns what the code under test answers, so the tests check the answer as well as the time.

const fill = (piece: string, bytes: number): string => piece.repeat(Math.ceil(bytes / piece.length)).slice(0, bytes);
const url = new URL('https://www.iso.org/standard/81230.html');
const softError = (text: string): string | null => {
  const body = Buffer.from(text, 'latin1');
  return detectSoftError({ status: 200, url, finalUrl: url, contentType: 'text/html', bytes: body.length, body }) ?? null;
};
const page = (piece: string) => fill(piece, INSPECTED_BYTES);
const scanLine = (line: string) => {
  const bytes = Buffer.from(line);
  return scanHead(bytes, 0, bytes.length);
};
/** What the iso.org page kind makes of a page with these pieces: its outcome kind and title, if any. */
const isoPageTitle = (html: string): string => {
  const outcome = extractIsoPage(`<html><head><title>ISO - iso.org</title></head><body>${html}<span id="csNumber">1</span></body></html>`, { url: url.href });
  return outcome.kind === 'records' ? `records: ${outcome.records[0]!.title ?? 'no title'}` : outcome.kind;
};

export const HOSTILE_INPUTS: Record<string, () => unknown> = {
  'soft error: comment openings': () => softError(`<title>ISO/IEC 42001:2023</title>${page('<!--')}`),
  'soft error: script openings': () => softError(`<title>ISO/IEC 42001:2023</title>${page('<script')}`),
  'soft error: title openings': () => softError(page('<title')),
  'soft error: open titles': () => softError(page('<title>')),
  'soft error: angle brackets': () => softError(page('<')),
  'soft error: unfinished closing tags': () => softError(`<script>${page('</script \t')}`),
  'soft error: a denial before comment openings': () => softError(`<title>Access Denied</title>${page('<!--')}`),
  'soft error: a denial after the inspected prefix': () => softError(`${page('<!--')}<title>Access Denied</title><p>Access denied</p>`),
  // A comment runs to the end of the line; `.` in /#.*$/ stopped at U+2028 and rescanned from every `#`.
  'robots.txt: a comment of # before U+2028': () =>
    isAllowed(parseRobots(`User-agent: *\nDisallow: /private#${fill('#', ROBOTS_MAX_BYTES)}\u2028\n`), 'regwatch', '/private/x'),
  // iso.org pages: a data-index of "1 -" and a long run of spaces made the title regex cubic; titles
  // and references full of unclosed "[" or of spaces before a dash made their clean-up quadratic.
  'iso.org page: index title, spaces with no second dash': () => isoPageTitle(`<span id="indexReference" data-index="1 - ${fill(' ', 200_000)}x"></span>`),
  'iso.org page: reference of unclosed brackets': () => isoPageTitle(`<span id="itemReference">ISO 1${fill('[', 200_000)}</span>`),
  'iso.org page: title parts with spaces and no dash': () => isoPageTitle(`<nav class="nav-relatives"><h2>A${fill(' ', 200_000)}B</h2></nav>`),
  'catalogue line: replaces lists never closed': () =>
    glance(Buffer.from(`{"id":1,"reference":"ISO 1","currentStage":6060,${fill('"replaces":[', 2_000_000)}}`)),
  // The key scan (head-scan.ts) walks each value once and gives up on what it does not read.
  'catalogue line, key scan: replaces lists never closed': () =>
    scanLine(`{"id":1,"reference":"ISO 1","currentStage":6060,${fill('"replaces":[', 2_000_000)}}`),
  'catalogue line, key scan: nested openings never closed': () => scanLine(`{"id":1,"x":${fill('[{"a":', 2_000_000)}}`),
  'catalogue line, key scan: a string never closed': () => scanLine(`{"id":1,"reference":"${fill('\\a', 2_000_000)}}`),
};

const CHILD = resolve(import.meta.dirname, 'helpers/hostile-input-child.ts');

/**
 * Runs the named scenarios in a child process, stopped after `limitMs`: a synchronous scan that
 * runs for half an hour cannot be stopped by a test timeout inside the test's own process.
 */
export function runHostileInputs(
  names: string[],
  limitMs: number,
): Promise<{ answers: Record<string, unknown>; unfinished: string[]; killed: boolean; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', TSX_IMPORT, CHILD, ...names], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      const lines = out
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { name: string; answer: unknown });
      done({
        answers: Object.fromEntries(lines.map(({ name, answer }) => [name, answer])),
        unfinished: names.filter((name) => !lines.some((line) => line.name === name)),
        killed: signal === 'SIGKILL',
        err,
      });
    });
  });
}
