import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processSignals, serveCommand } from '../src/cli/serve-command.js';
import { openRuntime, databasePath, type Runtime } from '../src/runtime/open-runtime.js';
import { request, TOKEN } from './serve-seed.js';
import { startServingChild, type ServingChild } from './helpers/serving-child.js';
import { writeRow } from './helpers/database-file.js';

// `regwatch serve` as a user runs it: argument checks, start, and a graceful stop on SIGTERM/SIGINT
// that finishes or abandons a running refresh and closes the database.

const DEFAULTS = { port: 0, host: '127.0.0.1', schedule: '0 6 * * *', timezone: 'UTC' };
const temps: string[] = [];
const servers: Server[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  // A test that timed out never reached its own clean-up: no child outlives its test.
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const s of servers.splice(0)) s.close();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regwatch-serve-cmd-'));
  temps.push(dir);
  return dir;
}

/** A data folder with a config of one loopback iso-page source, unpaced, POST /refresh enabled. */
function servingFolder(sourceUrl: string, settings: Record<string, unknown> = {}): { dataDir: string; configFile: string } {
  const dataDir = tempDir();
  const configFile = join(dataDir, 'regwatch.config.json');
  const sources = [{ id: 'iso_42005', watcher: 'iso-page', url: sourceUrl }];
  writeFileSync(configFile, JSON.stringify({ sources, allowPrivateNetwork: true, hostIntervalSeconds: 0, refreshToken: TOKEN, ...settings }));
  return { dataDir, configFile };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('argument checks', () => {
  it.each([
    [{ schedule: '0 6 * *' }, '--schedule "0 6 * *"'],
    [{ schedule: '61 * * * *' }, '--schedule "61 * * * *"'],
    [{ timezone: 'Europe/Atlantis' }, '--timezone "Europe/Atlantis"'],
    [{ host: 'example.org' }, '--host "example.org"'],
    [{ port: 70_000 }, '--port "70000"'],
  ])('%o is a usage error (exit 2) naming the bad value, before opening anything', async (bad, named) => {
    let opened = false;
    const serving = serveCommand(
      { ...DEFAULTS, ...bad },
      {
        openRuntime: () => {
          opened = true;
          throw new Error('not expected');
        },
      },
    );
    await expect(serving).rejects.toMatchObject({ code: 'REGWATCH_USAGE', message: expect.stringContaining(named) });
    expect(opened).toBe(false);
  });

  it('a port that is taken is an operator error (exit 2) naming it', async () => {
    const blocker = createServer();
    servers.push(blocker);
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const dataDir = tempDir();
    const serving = serveCommand({ ...DEFAULTS, port: (blocker.address() as AddressInfo).port, dataDir }, { stderr: () => {}, stdout: () => {} });
    await expect(serving).rejects.toMatchObject({ code: 'REGWATCH_SERVE_LISTEN', message: expect.stringContaining('the port is in use') });
  });
});

describe.each(['SIGTERM', 'SIGINT'] as const)('the CLI process stopped by %s', (signal) => {
  it('serves the feeds, then stops taking requests, closes the database and exits 0', async () => {
    const dataDir = tempDir();
    const { child, url, stdout, stderr, exited } = await serveFromSources(['serve', '--port', '0', '--data', dataDir]);
    try {
      // The banner's later lines may come in a later chunk.
      await expect.poll(stdout, { timeout: 10_000 }).toContain('POST /refresh disabled');
      expect(stdout()).toContain('refresh schedule "0 6 * * *" (UTC), next ');
      // A fresh data folder: the server published valid, empty feeds from the empty store.
      const feed = await request(new URL('feed.xml', url).href);
      expect(feed.status).toBe(200);
      expect(feed.text).toContain('<rss');
      expect((await request(new URL('healthz', url).href)).status).toBe(200);
      expect(existsSync(`${databasePath(dataDir)}-wal`)).toBe(true);

      child.kill(signal);
      expect(await exited).toBe(0);
      expect(stderr()).toContain(`${signal}: stopping`);
      expect(stderr()).toMatch(/ stopped\n$/);
      // SQLite removes the WAL file when the last connection closes cleanly.
      expect(existsSync(`${databasePath(dataDir)}-wal`)).toBe(false);
      await expect(request(new URL('feed.xml', url).href)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('the start', () => {
  it('publishes the feeds again, so files published under the previous config show the new one at once', async () => {
    const { dataDir, configFile } = servingFolder('http://127.0.0.1:9/standard/44545.html', { feedTitle: 'First watch list' });
    const err: string[] = [];
    const serveOnce = async (): Promise<string> => {
      const stop = deferred<string>();
      const out: string[] = [];
      const exit = serveCommand(
        { ...DEFAULTS, configFile, dataDir },
        { stdout: (l) => out.push(l), stderr: (l) => err.push(l), stopSignal: () => stop.promise },
      );
      await expect.poll(() => out.find((l) => l.startsWith('regwatch serve: ')), { timeout: 10_000 }).toBeDefined();
      const url = out.find((l) => l.startsWith('regwatch serve: '))!.slice('regwatch serve: '.length);
      const feed = await request(new URL('feed.xml', url).href);
      stop.resolve('SIGTERM');
      expect(await exit).toBe(0);
      return feed.text;
    };
    expect(await serveOnce()).toContain('<title>First watch list</title>');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(configFile, JSON.stringify({ ...config, feedTitle: 'Renamed watch list' }));
    const renamed = await serveOnce();
    expect(renamed).toContain('<title>Renamed watch list</title>');
    expect(renamed).not.toContain('First watch list');

    // A store it cannot publish from (a damaged item row) does not keep it from serving what was published.
    writeRow(databasePath(dataDir), "INSERT INTO runs (trigger, started_at) VALUES ('test', '2025-01-01T00:00:00.000Z')");
    writeRow(
      databasePath(dataDir),
      "INSERT INTO items (id, run_id, source_id, doc_key, observed_at, severity_rank, item_json) VALUES ('x', 1, 'iso_42005', NULL, '2025-01-01T00:00:00.000Z', 0, 'not json')",
    );
    expect(await serveOnce()).toContain('<title>Renamed watch list</title>');
    expect(err.join('\n')).toMatch(/serve: the feeds could not be published at start, the files already published are served: /);
  });
});

describe('a stop while a refresh runs', () => {
  /** A source on 127.0.0.1 that answers the page only when `release` is called. */
  async function slowSource() {
    const pageRequested = deferred<void>();
    const release = deferred<void>();
    const server = createServer((req, res) => {
      if (req.url === '/robots.txt') {
        res.writeHead(404).end();
        return;
      }
      pageRequested.resolve();
      void release.promise.then(() => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><body>redesigned</body></html>'));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/standard/44545.html`,
      pageRequested: pageRequested.promise,
      release: release.resolve,
    };
  }

  async function startServe(graceMs: number, sourceUrl: string) {
    const { dataDir, configFile } = servingFolder(sourceUrl);
    const stop = deferred<string>();
    const out: string[] = [];
    const err: string[] = [];
    let runtime!: Runtime;
    const exit = serveCommand(
      { ...DEFAULTS, configFile, dataDir },
      {
        stdout: (l) => out.push(l),
        stderr: (l) => err.push(l),
        stopSignal: () => stop.promise,
        graceMs,
        openRuntime: (o) => (runtime = openRuntime(o)),
      },
    );
    await expect.poll(() => out.find((l) => l.startsWith('regwatch serve: ')), { timeout: 10_000 }).toBeDefined();
    const url = out.find((l) => l.startsWith('regwatch serve: '))!.slice('regwatch serve: '.length);
    return { url, stop: stop.resolve, exit, err, runtime: () => runtime };
  }

  it('lets a refresh that finishes within the grace period finish, then closes the database', async () => {
    const source = await slowSource();
    const serve = await startServe(10_000, source.url);
    const refreshing = request(new URL('refresh', serve.url).href, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    await source.pageRequested;
    serve.stop('SIGTERM');
    await expect.poll(() => serve.err.some((l) => l.includes('SIGTERM: stopping'))).toBe(true);
    source.release();
    const res = await refreshing;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).run).toMatchObject({ trigger: 'http', outcome: 'sources-failed' }); // the page has no fields: extraction-failed
    expect(await serve.exit).toBe(0);
    expect(serve.err.join('\n')).toContain('the running refresh finished');
    expect(() => serve.runtime().store.itemCount()).toThrow('The database connection is not open');
  });

  it('abandons a refresh that outlasts the grace period, answers its caller, and closes the database', async () => {
    const source = await slowSource();
    const serve = await startServe(300, source.url);
    const refreshing = request(new URL('refresh', serve.url).href, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    await source.pageRequested;
    serve.stop('SIGINT');
    const res = await refreshing;
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text).run.outcome).toBe('abandoned');
    expect(await serve.exit).toBe(0);
    expect(serve.err.join('\n')).toContain('abandoning the running http refresh after 300 ms');
    expect(() => serve.runtime().store.itemCount()).toThrow('The database connection is not open');
    source.release();
  });
});

/** A source on 127.0.0.1 that sends headers, then one byte a second for as long as the client listens. */
async function drippingSource() {
  const pageRequested = deferred<void>();
  let hangUps = 0;
  const server = createServer((req, res) => {
    if (req.url === '/robots.txt') {
      res.writeHead(404).end();
      return;
    }
    pageRequested.resolve();
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.write('<');
    const timer = setInterval(() => res.write('x'), 1_000);
    req.socket.on('close', () => {
      clearInterval(timer);
      hangUps += 1;
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/standard/44545.html`,
    pageRequested: pageRequested.promise,
    hangUps: () => hangUps,
    close: () => server.closeAllConnections(),
  };
}

describe('a source that drips its body', () => {
  it('POST /refresh answers when the source’s time budget runs out, naming it unreadable', async () => {
    const source = await drippingSource();
    const { dataDir, configFile } = servingFolder(source.url, {
      requestTimeoutSeconds: 300,
      sourceBudgetSeconds: 1,
    });
    const stop = deferred<string>();
    const out: string[] = [];
    const exit = serveCommand({ ...DEFAULTS, configFile, dataDir }, { stdout: (l) => out.push(l), stderr: () => {}, stopSignal: () => stop.promise });
    try {
      await expect.poll(() => out.find((l) => l.startsWith('regwatch serve: ')), { timeout: 10_000 }).toBeDefined();
      const url = out.find((l) => l.startsWith('regwatch serve: '))!.slice('regwatch serve: '.length);
      const res = await request(new URL('refresh', url).href, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text).run).toMatchObject({ trigger: 'http', outcome: 'sources-failed' });
      const health = JSON.parse((await request(new URL('healthz', url).href)).text);
      expect(health.sources[0]).toMatchObject({ id: 'iso_42005', lastVerdict: 'unreadable' });
      expect(health.sources[0].lastDetail).toContain('time budget of 1 s');
      // The dripping request itself was dropped, not left running behind the answer.
      await expect.poll(() => source.hangUps(), { timeout: 10_000 }).toBe(1);
    } finally {
      stop.resolve('SIGTERM');
      expect(await exit).toBe(0);
    }
  });

  it('the CLI process exits 0 on SIGTERM with the fetch still in flight, and says it abandoned the refresh', async () => {
    const source = await drippingSource();
    const { dataDir, configFile } = servingFolder(source.url, {
      // Neither timeout ends the drip within this test: only the shutdown can.
      requestTimeoutSeconds: 300,
    });
    const { child, url, stderr, exited } = await serveFromSources(['serve', '--port', '0', '--data', dataDir, '--config', configFile]);
    children.push(child);
    try {
      const refreshing = request(new URL('refresh', url).href, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
      await source.pageRequested;
      child.kill('SIGTERM');
      // The caller is answered and the process ends on its own after the 8 s grace period; before,
      // the open socket kept it alive as long as the drip went on.
      expect((await refreshing).status).toBe(503);
      expect(await exited).toBe(0);
      expect(stderr()).toContain('abandoning the running http refresh');
      expect(stderr()).toMatch(/ stopped\n$/);
    } finally {
      child.kill('SIGKILL');
      source.close();
    }
  }, 120_000);
});

describe('the stop signals', () => {
  it('the first asks for a graceful stop; a second ends the process at once and says so', async () => {
    const target = Object.assign(new EventEmitter(), { exits: [] as number[], written: [] as string[] });
    const fake = Object.assign(target, {
      exit: (code: number) => void target.exits.push(code),
      stderr: { write: (text: string) => void target.written.push(text) },
    });
    const stopping = processSignals(fake as unknown as Parameters<typeof processSignals>[0]);
    fake.emit('SIGINT', 'SIGINT');
    expect(await stopping).toBe('SIGINT');
    expect([fake.exits, fake.written]).toEqual([[], []]);
    fake.emit('SIGINT', 'SIGINT');
    expect(fake.exits).toEqual([130]);
    expect(fake.written).toEqual([
      'serve: SIGINT again: exiting now (a refresh under way, if any, is abandoned: the next refresh closes its run as interrupted)\n',
    ]);
    expect(fake.listenerCount('SIGINT') + fake.listenerCount('SIGTERM')).toBe(1); // the other one-shot stays for a SIGTERM
  });
});

/** The CLI from its sources (tsx), serving, in a process of its own. */
function serveFromSources(args: string[]): Promise<ServingChild> {
  const script = `import { main } from './src/cli/main.ts'; process.exitCode = await main(${JSON.stringify(args)});`;
  return startServingChild(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '..') });
}
