import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { VERSION } from '../src/runtime/version.js';
import { runCli } from './helpers/run-cli.js';
import { acquireRunLock } from '../src/store/run-lock.js';
import { openStore } from '../src/store/store.js';
import { databasePath } from '../src/runtime/open-runtime.js';
import { startFixtureServer, type FixtureServer } from './fixture-server.js';
import { writeRow } from './helpers/database-file.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';

// The CLI as a user and a script meet it: its output and its exit codes.

const run = (args: string[], cwd: string) => runCli(args, cwd);

describe('regwatch CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'regwatch-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps src/runtime/version.ts equal to package.json', () => {
    expect(VERSION).toBe((JSON.parse(readFileSync(resolve(import.meta.dirname, '../package.json'), 'utf8')) as { version: string }).version);
  });

  it('teaches with --help and per-command help; --version prints the version', async () => {
    const help = await run(['--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Commands:[\s\S]*refresh[\s\S]*changes[\s\S]*Exit codes/);
    expect((await run(['help', 'changes'], dir)).stdout).toMatch(/--min-severity/);
    expect((await run(['--version'], dir)).stdout.trim()).toBe(VERSION);
  });

  it('exits 2 naming the problem for an unknown command, a bad option or a bad config, before any fetch', async () => {
    const unknown = await run(['refesh'], dir);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('unknown command "refesh"')]);
    const badOption = await run(['changes', '--min-severity', 'urgent'], dir);
    expect([badOption.code, badOption.stderr]).toEqual([
      2,
      expect.stringContaining('--min-severity: "urgent" is not one of critical, major, minor, info, baseline'),
    ]);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ sources: [{ id: 'a', watcher: 'iso-page', url: 'http://www.iso.org/standard/81230.html' }] }));
    const badConfig = await run(['refresh', '--config', 'bad.json', '--data', 'd'], dir);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain('config: bad.json: sources[0].url: must be an https URL');
    writeFileSync(join(dir, 'good.json'), JSON.stringify({ sources: [{ id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html' }] }));
    const unknownSource = await run(['refresh', '--config', 'good.json', '--data', 'd', '--source', 'iso_9999'], dir);
    // Refused before the run starts: no banner saying it checks a source, nothing fetched.
    expect([unknownSource.code, unknownSource.stderr]).toEqual([2, 'regwatch: refresh: --source iso_9999: no such source (sources: a)\n']);
    const missing = await run(['refresh', '--config', 'nope.json'], dir);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('config: nope.json: no such file')]);
  });

  it('help names a command it does not know and exits 2; help help is the general help', async () => {
    const unknown = await run(['help', 'refesh'], dir);
    expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([
      2,
      '',
      'regwatch: help: unknown command "refesh" (commands: refresh, changes, sources, inspect, serve, notify, page, demo)\n',
    ]);
    const general = await run(['help', 'help'], dir);
    expect([general.code, general.stdout]).toEqual([0, expect.stringContaining('Commands:')]);
  });

  it('takes the global options before the command as well as after it', async () => {
    writeFileSync(
      join(dir, 'global.json'),
      JSON.stringify({ sources: [{ id: 'global_a', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html' }] }),
    );
    for (const args of [
      ['--config', 'global.json', 'sources'],
      ['--config=global.json', '--data', 'nowhere', 'sources'],
      ['sources', '--config', 'global.json'],
    ]) {
      const sources = await run(args, dir);
      expect([sources.code, sources.stderr]).toEqual([0, expect.stringMatching(/^sources: no database in \S+ yet: every source shows never-checked/)]);
      expect(sources.stdout).toMatch(/^global_a\s+never-checked/m);
    }
    const empty = await run(['--data', 'global-data', 'changes'], dir);
    expect([empty.code, empty.stderr]).toEqual([0, `changes: no database in ${join(dir, 'global-data')} yet: run \`regwatch refresh\` first\n`]);
    // The value after the command wins, as a second --data after it would.
    const later = await run(['--data', 'first', 'changes', '--data', 'second'], dir);
    expect(later.stderr).toContain(join(dir, 'second'));
    const version = await run(['--data', 'd', '--version'], dir);
    expect([version.code, version.stdout.trim()]).toEqual([0, VERSION]);
    const commandHelp = await run(['--help', 'changes'], dir);
    expect([commandHelp.code, commandHelp.stdout]).toEqual([0, expect.stringContaining('regwatch changes [--source id]')]);
  });

  it('refuses an option before the command that only a command takes, or a global option without its value, or no command', async () => {
    const option = await run(['--min-severity', 'major', 'changes'], dir);
    expect([option.code, option.stderr]).toEqual([2, expect.stringContaining('unknown option "--min-severity" before the command')]);
    const noValue = await run(['--config'], dir);
    expect([noValue.code, noValue.stderr]).toEqual([2, 'regwatch: --config: needs a value\n']);
    const noCommand = await run(['--data', 'd'], dir);
    expect([noCommand.code, noCommand.stderr]).toEqual([2, expect.stringContaining('no command given')]);
  });

  it('serve exits 2 naming a bad option, before it opens anything', async () => {
    const badSchedule = await run(['serve', '--data', 'serve-data', '--schedule', '0 6 * *'], dir);
    expect([badSchedule.code, badSchedule.stderr]).toEqual([2, expect.stringMatching(/^regwatch: serve: --schedule "0 6 \* \*"/)]);
    expect(existsSync(join(dir, 'serve-data'))).toBe(false);
  });

  it('exits 4 naming the other host while its lease is live, though its pid means nothing here', async () => {
    const store = openStore(databasePath(join(dir, 'leased')));
    const pid = 4_194_305; // beyond PID_MAX_LIMIT: no such process on this host
    writeRow(
      store.path,
      "INSERT INTO run_lock (id, pid, token, acquired_at, host, heartbeat_at) VALUES (1, ?, 'theirs', '2026-01-01T00:00:00Z', 'container-b/boot/pid:[1]', ?)",
      pid,
      Date.now(),
    );
    store.close();
    writeFileSync(join(dir, 'lease.json'), JSON.stringify({ sources: [{ id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html' }] }));
    const busy = await run(['refresh', '--config', 'lease.json', '--data', 'leased', '--wait-lock', '0'], dir);
    expect(busy.code).toBe(4);
    expect(busy.stderr).toMatch(new RegExp(`another refresh is running \\(pid ${pid} on container-b, heartbeat \\d+ s ago\\)`));
  });

  it('a source whose robots.txt cannot be fetched is unreadable, and the line says why first (issue 12)', async () => {
    const closed = await startFixtureServer();
    const origin = closed.origin;
    await closed.close();
    writeFileSync(
      join(dir, 'unreachable.json'),
      JSON.stringify({
        allowPrivateNetwork: true,
        hostIntervalSeconds: 0,
        sources: [{ id: 'gone', watcher: 'iso-page', url: `${origin}/standard/81230.html` }],
      }),
    );
    const refreshed = await run(['refresh', '--config', 'unreachable.json', '--data', 'unreachable', '--quiet'], dir);
    expect(refreshed.code).toBe(3);
    const port = new URL(origin).port;
    expect(refreshed.stdout).toBe(
      `gone  unreadable         fetch: connection refused (connect ECONNREFUSED 127.0.0.1:${port}): ${origin}/robots.txt could not be fetched; RFC 9309 then counts every page of ${origin} as disallowed, so GET ${origin}/standard/81230.html was not attempted\n`,
    );
    const sources = await run(['sources', '--config', 'unreachable.json', '--data', 'unreachable'], dir);
    expect(sources.stdout).toMatch(/^gone\s+never-read\s+unreadable\s+never\s+never\s+fetch: connection refused/m);
  });

  it('prints an empty changes table before the first refresh, saying why', async () => {
    const out = await run(['changes', '--data', 'empty'], dir);
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/no database .* run `regwatch refresh` first/);
  });
});

describeWithFixtures('regwatch refresh, changes, sources, inspect against 127.0.0.1', () => {
  let dir: string;
  let server: FixtureServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'regwatch-cli-'));
    server = await startFixtureServer();
    server.routes.set('/standard/85870.html', { file: fixturePath('iso-pages', 'iso-85870-2022-12-01.html') });
    server.routes.set('/standard/99999.html', { status: 403, body: '<html><title>Access denied</title></html>' });
    writeFileSync(
      join(dir, 'regwatch.config.json'),
      JSON.stringify({
        allowPrivateNetwork: true,
        hostIntervalSeconds: 0,
        feedTitle: 'Fire safety watch: ISO 14460',
        sources: [
          { id: 'iso_14460', watcher: 'iso-page', url: `${server.origin}/standard/85870.html` },
          { id: 'iso_blocked', watcher: 'iso-page', url: `${server.origin}/standard/99999.html` },
        ],
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refresh prints a line per source and exits 3 when one could not be checked; the blocked page is no change', async () => {
    const first = await run(['refresh', '--quiet'], dir);
    expect(first.code).toBe(3);
    expect(first.stdout).toMatch(/^iso_14460\s+changed\s+ISO\/DIS 14460: first observed, DIS registered \[40\.00\]$/m);
    expect(first.stdout).toMatch(/^iso_blocked\s+unreadable\s+fetch: GET http:\/\/127\.0\.0\.1:\d+\/standard\/99999\.html returned 403$/m);

    server.routes.set('/standard/85870.html', { file: fixturePath('iso-pages', 'iso-85870-2023-02-03.html') });
    server.routes.set('/standard/99999.html', { file: fixturePath('iso-pages', 'iso-66197-2021-08-23.html') });
    const second = await run(['refresh', '--quiet'], dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^iso_14460\s+changed\s+ISO\/DIS 14460: DIS ballot initiated \[40\.20\], was DIS registered \[40\.00\]$/m);

    const markdown = await run(['changes', '--format', 'markdown', '--min-severity', 'info'], dir);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout.split('\n').slice(0, 3)).toEqual([
      '| Date | Severity | What changed |',
      '| --- | --- | --- |',
      expect.stringMatching(
        /^\| \d{4}-\d{2}-\d{2} \| major \| ISO\/DIS 14460: DIS ballot initiated \[40\.20\], was DIS registered \[40\.00\] \(stage date 2023-01-25\) \|$/,
      ),
    ]);
    // Nothing that severe: the sentence a reference page's table shows, not an empty table.
    expect(await run(['changes', '--format', 'markdown', '--min-severity', 'critical'], dir)).toMatchObject({
      code: 0,
      stdout: 'No critical changes recorded yet.\n',
    });
    const json = JSON.parse((await run(['changes', '--format', 'json', '--source', 'iso_14460'], dir)).stdout) as Array<{ event: string }>;
    expect(json.map((i) => i.event)).toEqual(['dis-ballot', 'baseline']);
    const csv = await run(['changes', '--format', 'csv', '--source', 'iso_14460'], dir);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n').map((row) => row.split(',').slice(1, 3))).toEqual([
      ['severity', 'event'],
      ['major', 'dis-ballot'],
      ['baseline', 'baseline'],
      [],
    ]);

    const sources = await run(['sources'], dir);
    expect(sources.stdout).toMatch(/^iso_14460\s+ok\s+changed/m);
    // The config names the feeds' title; the description stays the default.
    const feed = JSON.parse(readFileSync(join(dir, 'data', 'public', 'feed.json'), 'utf8')) as { title: string; description: string };
    expect(feed.title).toBe('Fire safety watch: ISO 14460');
    expect(feed.description).toMatch(/^Life-cycle changes of ISO\/IEC 42001/);
  });

  it('waits for a running refresh, then exits 4 with a clear message', async () => {
    const store = openStore(databasePath(join(dir, 'data')));
    const lock = await acquireRunLock(store.runLock, 0);
    try {
      const busy = await run(['refresh', '--quiet', '--wait-lock', '1'], dir);
      expect(busy.code).toBe(4);
      expect(busy.stderr).toContain(`another refresh is running (pid ${process.pid})`);
    } finally {
      lock.release();
      store.close();
    }
  });

  it('inspect prints the record a watcher extracts from a file, and stores nothing', async () => {
    const out = await run(['inspect', fixturePath('iso-pages', 'iso-74197-2021-07-28.html')], dir);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ key: 'iso:74197', reference: 'ISO 22934:2021', stage: '60.60', status: 'published' });
  });
});
