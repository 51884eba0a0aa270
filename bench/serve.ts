import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openStore } from '../src/store/store.js';
import { databasePath } from '../src/runtime/data-dir.js';
import { insertItems, SERVE_SOURCES, syntheticItem } from '../test/serve-seed.js';
import { countFlag, machineLine, ratio, verdict } from './figures.js';
import { REGWATCH_BIN, requireBuiltCli, runExpecting, runProcess } from './whole-process.js';

// Issue 11: `/feed.xml` from `regwatch serve` (built CLI, its own process, 100,000 items in the
// store) beside nginx with one worker serving the same published bytes from the same folder, both
// loaded by wrk (2 threads, 20 connections, keep-alive) on 127.0.0.1 for --duration seconds per
// run, interleaved, each wrk thread capped at MAX_REQUESTS_PER_THREAD requests besides. Goal: at
// least 0.5x nginx's requests per second, p99 under 10 ms.
//
//   npm run bench:serve [-- --duration 10 --rounds 2]   (builds dist/ first; needs `apt-get install nginx wrk`)

const duration = countFlag('duration', 10);
const rounds = countFlag('rounds', 2);
const ITEMS = 100_000;
/** Far above what a 10 s run reaches here; a run that hits it is refused (its rate would be wrong). */
const MAX_REQUESTS_PER_THREAD = 1_000_000;
requireBuiltCli();
for (const [tool, args] of [
  ['wrk', ['--version']],
  ['nginx', ['-v']],
] as const) {
  const probe = await runProcess(tool, [...args]).catch(() => null);
  if (probe === null) throw new Error(`${tool} is not installed: apt-get install -y nginx wrk`);
}

const work = mkdtempSync(join(tmpdir(), 'regwatch-bench-serve-'));
const dataDir = join(work, 'data');
const store = openStore(databasePath(dataDir));
insertItems(
  store,
  Array.from({ length: ITEMS }, (_, n) => syntheticItem(n)),
);
store.close();
// wrk stops a thread once it has sent its share: traffic bounded in count as well as in time.
const capScript = join(work, 'cap.lua');
writeFileSync(
  capScript,
  `local sent, request_text = 0, nil
function request()
  sent = sent + 1
  if sent > ${MAX_REQUESTS_PER_THREAD} then wrk.thread:stop() end
  request_text = request_text or wrk.format()
  return request_text
end
`,
);
const configFile = join(work, 'config.json');
writeFileSync(configFile, JSON.stringify({ sources: SERVE_SOURCES }));

const children: ChildProcess[] = [];
function started(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

async function startRegwatch(): Promise<string> {
  const child = started(process.execPath, [REGWATCH_BIN, 'serve', '--config', configFile, '--data', dataDir, '--port', '0', '--host', '127.0.0.1']);
  const first = await new Promise<string>((done) => createInterface({ input: child.stdout! }).once('line', done));
  const url = /^regwatch serve: (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(first)?.[1];
  if (url === undefined) throw new Error(`regwatch serve did not say where it listens: ${first}`);
  return url;
}

async function startNginx(): Promise<string> {
  const port = await freePort();
  const prefix = join(work, 'nginx');
  rmSync(prefix, { recursive: true, force: true });
  writeFileSync(
    join(work, 'nginx.conf'),
    `
    worker_processes 1;
    daemon off;
    ${process.getuid?.() === 0 ? `user ${userInfo().username};` : ''}
    pid ${join(work, 'nginx.pid')};
    error_log ${join(work, 'nginx-error.log')};
    events { worker_connections 1024; }
    http {
      access_log off;
      client_body_temp_path ${work}/nginx-body;
      proxy_temp_path ${work}/nginx-proxy;
      fastcgi_temp_path ${work}/nginx-fastcgi;
      uwsgi_temp_path ${work}/nginx-uwsgi;
      scgi_temp_path ${work}/nginx-scgi;
      sendfile on;
      tcp_nopush on;
      keepalive_requests 1000000;
      types { application/rss+xml xml; }
      charset utf-8;
      charset_types application/rss+xml;
      server { listen 127.0.0.1:${port}; root ${join(dataDir, 'public')}; }
    }`,
  );
  const child = started('nginx', ['-c', join(work, 'nginx.conf'), '-p', work, '-e', join(work, 'nginx-error.log')]);
  const url = `http://127.0.0.1:${port}/`;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${readFileSync(join(work, 'nginx-error.log'), 'utf8').slice(-1000)}`);
    if ((await fetch(new URL('feed.xml', url)).catch(() => null))?.ok) return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('nginx did not answer within 5 s');
}

interface Load {
  requestsPerSecond: number;
  p99Ms: number;
}

async function load(url: string): Promise<Load> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\/$/.test(url)) throw new Error(`refusing to load anything but 127.0.0.1: ${url}`);
  const { stdout } = await runExpecting(0, 'wrk', ['-t2', '-c20', `-d${duration}s`, '--latency', '-s', capScript, new URL('feed.xml', url).href]);
  if (/Non-2xx or 3xx responses/.test(stdout) || /Socket errors/.test(stdout)) throw new Error(`wrk saw failed requests:\n${stdout}`);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  if (requests >= 2 * MAX_REQUESTS_PER_THREAD) throw new Error(`wrk reached its cap of ${2 * MAX_REQUESTS_PER_THREAD} requests: shorten --duration`);
  const requestsPerSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s)\s*$/m.exec(stdout);
  if (!Number.isFinite(requestsPerSecond) || p99 === null) throw new Error(`cannot read wrk's figures:\n${stdout}`);
  return { requestsPerSecond, p99Ms: Number(p99[1]) * { us: 0.001, ms: 1, s: 1000 }[p99[2] as 'us' | 'ms' | 's'] };
}

const nginx: Load[] = [];
const regwatch: Load[] = [];
let bytes = 0;
try {
  const regwatchUrl = await startRegwatch();
  const nginxUrl = await startNginx();
  const [mine, theirs] = await Promise.all([regwatchUrl, nginxUrl].map(async (u) => Buffer.from(await (await fetch(new URL('feed.xml', u))).arrayBuffer())));
  if (!mine!.equals(theirs!)) throw new Error('regwatch and nginx do not serve the same bytes');
  bytes = mine!.length;
  for (let round = 0; round < rounds; round++) {
    nginx.push(await load(nginxUrl));
    regwatch.push(await load(regwatchUrl));
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode !== null ? null : new Promise((r) => child.once('exit', r)))));
  rmSync(work, { recursive: true, force: true });
}

const rps = (runs: Load[]) => runs.map((r) => r.requestsPerSecond);
const p99 = (runs: Load[]) => runs.map((r) => r.p99Ms);
const range = (xs: number[], digits: number) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
const share = ratio(rps(regwatch), rps(nginx));
console.log(machineLine());
console.log(`/feed.xml (${bytes} bytes, ${ITEMS} items in the store), wrk -t2 -c20 -d${duration}s, ${rounds} interleaved runs each, 127.0.0.1`);
console.log('| server | requests/s | p99 | regwatch / nginx | goal |');
console.log('| --- | ---: | ---: | ---: | --- |');
console.log(`| nginx, 1 worker | ${range(rps(nginx), 0)} | ${range(p99(nginx), 2)} ms | | |`);
console.log(
  `| \`regwatch serve\` | ${range(rps(regwatch), 0)} | ${range(p99(regwatch), 2)} ms | ${share.toFixed(2)}x | ≥ 0.5x: ${verdict(share >= 0.5)}; p99 < 10 ms: ${verdict(Math.max(...p99(regwatch)) < 10)} |`,
);
