import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../src/runtime/version.js';
import { startFixtureServer, type FixtureServer } from './fixture-server.js';
import { fixturePath, describeWithFixtures } from './fixtures.js';
import { TSX_IMPORT } from './helpers/tsx.js';
import { startServingChild } from './helpers/serving-child.js';
import { startReceiver, type Receiver } from './notify-receiver.js';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';

// The packed tarball installs and runs on its own: `npm pack` (prepack builds dist/), then one
// install of the tarball without devDependencies into a temp folder, from the npm cache alone.
//
// Offline, `npm install <tarball>` cannot resolve the dependencies' version ranges (it wants each
// one's registry metadata, which the cache here does not hold), so the install is `npm ci
// --offline` of a temp project whose lockfile pins the tarball and this checkout's runtime tree
// from package-lock.json, with each package's registry tarball URL: every tarball then comes from
// the cache by URL and integrity. better-sqlite3 compiles from source (npm_config_build_from_source:
// its prebuilt binary would be downloaded from outside the registry), which takes minutes here.
// With the registry reachable, `npm install --prefix <dir> regwatch-<v>.tgz --omit=dev` does the same.

const ROOT = resolve(import.meta.dirname, '..');
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const TRACER = resolve(import.meta.dirname, 'helpers/trace-imports.ts');

function npm(args: string[], cwd: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: INSTALL_TIMEOUT_MS });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function runProcess(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

const runCli = (bin: string, args: string[], cwd: string) => runProcess(bin, args, cwd);
const runNode = (args: string[], cwd: string, env: Record<string, string>) => runProcess(process.execPath, args, cwd, env);

interface LockEntry {
  version?: string;
  resolved?: string;
  dev?: boolean;
  link?: boolean;
  [key: string]: unknown;
}

/** A project depending on the tarball alone, locked to this checkout's runtime packages. */
function writeInstallProject(dir: string, tarball: string): void {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const self = lock.packages['']!;
  const spec = `file:${tarball}`;
  const packages: Record<string, LockEntry> = {
    '': { name: 'regwatch-install-check', dependencies: { regwatch: spec } },
    'node_modules/regwatch': {
      version: self.version,
      resolved: spec,
      license: self.license,
      dependencies: self.dependencies,
      bin: self.bin,
      engines: self.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev === true || entry.link === true) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    packages[path] = { ...entry, resolved: entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz` };
  }
  const manifest = { name: 'regwatch-install-check', private: true, dependencies: { regwatch: spec }, allowScripts: { 'better-sqlite3': true } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: manifest.name, lockfileVersion: 3, requires: true, packages }, null, 2));
}

describe('npm pack → install → run', () => {
  let work: string;
  let tarball: string;
  let files: string[];
  let bin: string;
  let install: { status: number | null; stdout: string; stderr: string };

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'regwatch-package-'));
    const packed = npm(['pack', '--pack-destination', work, '--json'], ROOT);
    if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(work, info!.filename);
    files = info!.files.map((f) => f.path);
    const project = join(work, 'install');
    mkdirSync(project);
    writeInstallProject(project, tarball);
    install = npm(['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], project, { npm_config_build_from_source: 'true' });
    bin = join(project, 'node_modules', '.bin', 'regwatch');
  }, INSTALL_TIMEOUT_MS);
  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  /** A folder of the temp work area with a regwatch.config.json for loopback sources, unpaced. */
  function runFolder(name: string, config: Record<string, unknown>): string {
    const folder = join(work, name);
    mkdirSync(folder);
    writeFileSync(join(folder, 'regwatch.config.json'), JSON.stringify({ allowPrivateNetwork: true, hostIntervalSeconds: 0, ...config }));
    return folder;
  }

  it('packs the built CLI (its entry and the chunks it loads), the schema, README and LICENSE; no sources, tests, benches or source maps', () => {
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'bin/regwatch.js', 'dist/src/cli/main.js', 'schema/changes.schema.json']),
    );
    expect(files.filter((f) => /^dist\/src\/chunks\/(refresh|changes)-command-\w+\.js$/.test(f))).toHaveLength(2);
    expect(
      files.filter(
        (f) =>
          !/^(dist\/src\/cli\/main\.js|dist\/src\/chunks\/[a-z-]+-\w+\.js|bin\/regwatch\.js|schema\/changes\.schema\.json|package\.json|README\.md|LICENSE)$/.test(
            f,
          ),
      ),
    ).toEqual([]);
  });

  it('installs from the tarball without devDependencies, better-sqlite3 built, nothing fetched from a registry', () => {
    expect(install.status, `${install.stdout}\n${install.stderr}`).toBe(0);
    expect(existsSync(bin)).toBe(true);
    const installed = readdirSync(join(work, 'install', 'node_modules'));
    expect(installed).toEqual(expect.arrayContaining(['regwatch', 'better-sqlite3', 'undici', 'zod', 'nodemailer']));
    for (const dev of ['typescript', 'vitest', 'tsx']) expect(installed).not.toContain(dev);
  });

  it('regwatch --version prints the version', async () => {
    const out = await runCli(bin, ['--version'], work);
    expect([out.code, out.stdout.trim()]).toEqual([0, VERSION]);
  });

  it('regwatch sources lists the shipped watch list, built into the CLI', async () => {
    const out = await runCli(bin, ['sources', '--data', join(work, 'no-data')], work);
    expect(out.code, out.stderr).toBe(0);
    const shipped = JSON.parse(readFileSync(join(ROOT, 'watchlists', 'default.json'), 'utf8')) as { sources: Array<{ id: string }> };
    expect(
      out.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(/\s+/)[0]),
    ).toEqual(shipped.sources.map((s) => s.id));
  });

  it('keeps the lazy parts lazy once linked: --version loads no command, changes on an empty folder only its own, and neither any package', async () => {
    const version = await builtFilesLoaded(['--version']);
    expect(version).toContain('dist/src/cli/main.js');
    expect(version.filter((f) => f.includes('-command-'))).toEqual([]);
    const changes = await builtFilesLoaded(['changes', '--data', join(work, 'no-data')]);
    expect(changes.filter((f) => f.includes('-command-'))).toEqual([expect.stringMatching(/^dist\/src\/chunks\/changes-command-\w+\.js$/)]);
    // esbuild heads what it links from a package with its path (`// node_modules/zod/…`): zod, SQLite, the parsers.
    const installed = join(work, 'install', 'node_modules', 'regwatch');
    const linksPackage = (f: string) => readFileSync(join(installed, f), 'utf8').includes('\n// node_modules/');
    // The heading is there to be found: the chunks these commands do not load link zod and the rest.
    const chunks = readdirSync(join(installed, 'dist', 'src', 'chunks')).filter((name) => name.endsWith('.js'));
    expect(chunks.some((name) => linksPackage(join('dist', 'src', 'chunks', name)))).toBe(true);
    expect([...version, ...changes].filter(linksPackage)).toEqual([]);
  });

  /** The installed CLI's own files (`dist/src/chunks/…`) that one run of it loaded. */
  async function builtFilesLoaded(args: string[]): Promise<string[]> {
    const trace = join(work, `trace-${args[0]}`);
    const installed = pathToFileURL(join(work, 'install', 'node_modules', 'regwatch')).href;
    const run = await runNode(['--import', TSX_IMPORT, '--import', pathToFileURL(TRACER).href, bin, ...args], work, { REGWATCH_TRACE_IMPORTS: trace });
    expect(run.code, run.stderr).toBe(0);
    const urls = readFileSync(trace, 'utf8').split('\n');
    return [...new Set(urls.filter((url) => url.startsWith(`${installed}/dist/`)).map((url) => url.slice(installed.length + 1)))];
  }

  it('regwatch demo replays the shipped slice from the installed package', async () => {
    const out = await runCli(bin, ['demo', '--data', join(work, 'demo')], work);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('ISO/IEC 5392:2024: published [60.60]');
  });

  describeWithFixtures('refresh against a loopback stand-in for iso.org', () => {
    let server: FixtureServer;
    let dir: string;
    beforeAll(async () => {
      server = await startFixtureServer();
      server.routes.set('/standard/85870.html', { file: fixturePath('iso-pages', 'iso-85870-2022-12-01.html') });
      dir = runFolder('run', { sources: [{ id: 'iso_14460', watcher: 'iso-page', url: `${server.origin}/standard/85870.html` }] });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('stores a baseline and publishes the feeds', async () => {
      const out = await runCli(bin, ['refresh', '--quiet'], dir);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toMatch(/^iso_14460\s+changed\s+ISO\/DIS 14460: first observed, DIS registered \[40\.00\]$/m);
      expect(readdirSync(join(dir, 'data', 'public')).sort()).toEqual(['changes.json', 'feed.atom', 'feed.json', 'feed.xml', 'sources.json']);
      const changes = JSON.parse(readFileSync(join(dir, 'data', 'public', 'changes.json'), 'utf8')) as { items: Array<{ event: string }> };
      expect(changes.items.map((i) => i.event)).toEqual(['baseline']);
      expect(server.requests.map((r) => r.path)).toEqual(['/robots.txt', '/standard/85870.html']);
    });
  });
  describeWithFixtures('notifications and serve from the installed package (their packages are required on first use)', () => {
    const PAGE = '/standard/74197.html';
    const SECRET = 'package-hook-secret-5Yc';
    const PASSWORD = 'package-smtp-pass-9Kd';
    let server: FixtureServer;
    let hook: Receiver;
    let smtp: SmtpReceiver;
    let dir: string;
    const env = { HOOK_SECRET: SECRET, SMTP_PASSWORD: PASSWORD };

    beforeAll(async () => {
      server = await startFixtureServer();
      hook = await startReceiver();
      smtp = await startSmtpReceiver({ credentials: { user: 'regwatch', password: PASSWORD } });
      dir = runFolder('notify', {
        sources: [{ id: 'iso_22934', watcher: 'iso-page', url: `${server.origin}${PAGE}` }],
        notify: [
          { id: 'hook', type: 'webhook', url: hook.url('/hook'), secretEnv: 'HOOK_SECRET' },
          {
            id: 'mail',
            type: 'email',
            host: '127.0.0.1',
            port: smtp.port,
            starttls: false,
            user: 'regwatch',
            passwordEnv: 'SMTP_PASSWORD',
            from: 'regwatch@example.org',
            to: ['compliance@example.org'],
          },
        ],
      });
    });
    afterAll(async () => {
      await server?.close();
      await hook?.close();
      await smtp?.close();
    });

    it('a refresh that finds a move sends it to a webhook (undici) and by e-mail (nodemailer)', async () => {
      server.routes.set(PAGE, { file: fixturePath('iso-pages', 'iso-74197-2020-11-02.html') });
      const baseline = await runProcess(bin, ['refresh', '--quiet'], dir, env);
      expect(baseline.code, baseline.stderr).toBe(0);
      server.routes.set(PAGE, { file: fixturePath('iso-pages', 'iso-74197-2021-02-11.html') });
      const moved = await runProcess(bin, ['refresh'], dir, env);
      expect(moved.code, moved.stderr).toBe(0);
      expect(moved.stderr).toContain('notify: 2 sent');
      expect(hook.received.map((r) => r.headers['x-regwatch-delivery'])).toEqual([expect.stringMatching(/^hook:tag:regwatch,2026:iso_22934\/iso:74197\//)]);
      expect(smtp.messages.map((m) => [m.user, m.to])).toEqual([['regwatch', ['compliance@example.org']]]);
      expect(smtp.messages[0]!.mail.subject).toBe('[regwatch] 1 change: 1 major');
      expect(smtp.messages[0]!.mail.text).toContain('FDIS');
    });

    it('regwatch serve answers the published feed, then stops on SIGTERM with exit 0', async () => {
      const { child, url, stdout, stderr, exited } = await startServingChild(bin, ['serve', '--port', '0'], { cwd: dir, env: { ...process.env, ...env } });
      try {
        const feed = await fetch(new URL('feed.xml', url));
        expect(feed.status).toBe(200);
        expect(feed.headers.get('content-type')).toContain('application/rss+xml');
        expect(await feed.text()).toContain('FDIS');
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited, `${stdout()}${stderr()}`).toBe(0);
    });
  });
});

describe('prepare in a checkout without devDependencies', () => {
  it('does not fail (npm ci --omit=dev): it says dist/ was not rebuilt; under npm pack it leaves the build to prepack', () => {
    const checkout = mkdtempSync(join(tmpdir(), 'regwatch-prepare-'));
    try {
      mkdirSync(join(checkout, 'scripts'));
      copyFileSync(join(ROOT, 'scripts', 'build.mjs'), join(checkout, 'scripts', 'build.mjs'));
      copyFileSync(join(ROOT, 'package.json'), join(checkout, 'package.json'));
      const env = { ...process.env, npm_command: 'ci' };
      const prepare = spawnSync(process.execPath, ['scripts/build.mjs', '--if-possible'], { cwd: checkout, encoding: 'utf8', env });
      expect(prepare.status).toBe(0);
      expect(prepare.stderr).toContain('TypeScript is not installed (devDependencies omitted): dist/ was not rebuilt');
      const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: checkout, encoding: 'utf8', env });
      expect(build.status).toBe(1); // prepack and npm run build must not pack or run without a dist/
      expect(build.stderr).toContain('cannot build dist/');
      const underPack = spawnSync(process.execPath, ['scripts/build.mjs', '--if-possible'], {
        cwd: checkout,
        encoding: 'utf8',
        env: { ...env, npm_command: 'pack' },
      });
      expect([underPack.status, underPack.stderr]).toEqual([0, '']);
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });
});
