import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStore } from '../src/store/store.js';
import { databasePath } from '../src/runtime/data-dir.js';
import { runCli } from './helpers/run-cli.js';

// Issue 11: a command loads what it needs and nothing else, so that `regwatch --version` and
// `regwatch changes` start about as fast as node itself. Asserted on what is loaded, never on time.

const ROOT = pathToFileURL(resolve(import.meta.dirname, '..')).href;
const TRACER = resolve(import.meta.dirname, 'helpers/trace-imports.ts');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'regwatch-startup-'));
  openStore(databasePath(join(dir, 'with-db'))).close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The project files and packages a CLI run loaded, as `src/cli/main.ts` and `node_modules/zod`. */
async function loadedBy(args: string[], name: string): Promise<{ code: number | null; files: string[]; packages: string[] }> {
  const trace = join(dir, `${name}.trace`);
  const run = await runCli(args, dir, { nodeOptions: ['--import', pathToFileURL(TRACER).href], env: { REGWATCH_TRACE_IMPORTS: trace } });
  const urls = [
    ...new Set(
      readFileSync(trace, 'utf8')
        .split('\n')
        .filter((url) => url.startsWith(ROOT)),
    ),
  ].map((url) => url.slice(ROOT.length + 1));
  const packages = new Set(
    urls
      .filter((u) => u.startsWith('node_modules/'))
      .map((u) =>
        u
          .split('/')
          .slice(0, u.startsWith('node_modules/@') ? 3 : 2)
          .join('/'),
      ),
  );
  const files = urls.filter((u) => !u.startsWith('node_modules/') && !u.startsWith('test/'));
  return { code: run.code, files, packages: [...packages].filter((p) => p !== 'node_modules/tsx').sort() };
}

const HEAVY_FOR_CHANGES = /^(watchers\/|src\/(server|fetch|config|pipeline|publish\/index|notify)\b)/;

const SQLITE_AND_ZOD = new Set(['node_modules/better-sqlite3', 'node_modules/bindings', 'node_modules/file-uri-to-path', 'node_modules/zod']);

// It reads source files: under REGWATCH_TEST_CLI=dist the package test checks the build instead.
describe.skipIf(process.env.REGWATCH_TEST_CLI === 'dist')('what a command loads', () => {
  it('--version and --help: the CLI and nothing else', async () => {
    for (const args of [['--version'], ['--help'], ['help', 'changes']]) {
      const loaded = await loadedBy(args, args.join('-'));
      expect(loaded.code).toBe(0);
      expect(loaded.packages).toEqual([]);
      expect(loaded.files.filter((f) => !/^src\/(cli|model|runtime\/version)/.test(f))).toEqual([]);
      expect(loaded.files).not.toContain('src/cli/refresh-command.ts');
    }
  });

  it('changes with no database yet: no package at all, not even SQLite', async () => {
    const loaded = await loadedBy(['changes', '--data', 'empty'], 'changes-empty');
    expect(loaded.code).toBe(0);
    expect(loaded.packages).toEqual([]);
    expect(loaded.files.filter((f) => HEAVY_FOR_CHANGES.test(f))).toEqual([]);
  });

  it('changes with a database: SQLite and zod (the store validates), no watcher, HTTP client, scheduler or server', async () => {
    const loaded = await loadedBy(['changes', '--data', 'with-db'], 'changes-db');
    expect(loaded.code).toBe(0);
    expect(loaded.packages).toContain('node_modules/better-sqlite3');
    expect(loaded.packages.filter((p) => !SQLITE_AND_ZOD.has(p))).toEqual([]);
    expect(loaded.files.filter((f) => HEAVY_FOR_CHANGES.test(f))).toEqual([]);
  });

  it('refresh, for contrast, loads the watchers and the HTTP client (the trace sees them), but no parser before a kind extracts', async () => {
    const loaded = await loadedBy(['refresh', '--config', 'missing.json'], 'refresh');
    expect(loaded.code).toBe(2);
    expect(loaded.files).toEqual(expect.arrayContaining(['watchers/index.ts', 'src/fetch/http-client.ts']));
    expect(loaded.packages).not.toContain('node_modules/cheerio');
    expect(loaded.files.filter((f) => /^watchers\/[^/]+\/extract\.ts$/.test(f))).toEqual([]);
  });
});
