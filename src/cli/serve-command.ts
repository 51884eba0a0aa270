import { isIP } from 'node:net';
import { join } from 'node:path';
import { openRuntime, refreshDeps, type Runtime } from '../runtime/open-runtime.js';
import { refresh } from '../pipeline/refresh.js';
import { publishFromStore } from '../publish/from-store.js';
import { createRefreshRunner } from '../server/refresh-runner.js';
import { acquireRunLock, LockBusyError } from '../store/run-lock.js';
import { createCronScheduler, scheduleProblem } from '../server/scheduler.js';
import { startHttpServer } from '../server/http-server.js';
import { OperatorError } from '../model/operator-error.js';
import { parseCommand, usage, wholeNumber } from './args.js';
import { startSendTimer } from '../server/send-timer.js';
import { publicUrlMismatch } from '../server/public-url-check.js';
import { EXIT } from './exit-codes.js';
import { showHelp } from './help-text.js';
import type { CliOutput } from './output.js';

// `regwatch serve`: serve what refresh publishes, refresh on a cron schedule, stop cleanly on
// SIGTERM/SIGINT: stop taking requests, let a running refresh finish within a grace period, else
// abandon it: abort its in-flight requests (each source's check is one transaction, so the store
// keeps all of a check or none and the next refresh redoes the rest), then close the database and
// the HTTP client without waiting on a server that never answers.

export interface ServeOptions {
  configFile?: string;
  dataDir?: string;
  port: number;
  host: string;
  schedule: string;
  timezone: string;
}

export interface ServeEnvironment {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Resolves with the signal that asks the server to stop. */
  stopSignal: () => Promise<string>;
  /** How long a running refresh may take to finish once asked to stop. */
  graceMs: number;
  openRuntime: (o: { configFile?: string; dataDir?: string; log?: (line: string) => void }) => Runtime;
}

/** How long an abandoned refresh may take to notice its aborted signal before the store closes under it. */
const ABANDONED_REFRESH_WAIT_MS = 2_000;
/** Due notifications are sent this often between refreshes, each pass within the budget. */
const SEND_INTERVAL_MS = 60_000;
const SEND_BUDGET_MS = 50_000;

type SignalTarget = Pick<NodeJS.Process, 'on' | 'off' | 'once' | 'exit'> & { stderr: { write(text: string): unknown } };

/**
 * The first SIGTERM or SIGINT asks for a graceful stop; a second one ends the process at once, saying
 * so (Node's default would end it silently), with the shell's code for that signal.
 */
export function processSignals(target: SignalTarget = process): Promise<string> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals) => {
      target.off('SIGTERM', first);
      target.off('SIGINT', first);
      const again = (second: NodeJS.Signals) => {
        target.stderr.write(
          `serve: ${second} again: exiting now (a refresh under way, if any, is abandoned: the next refresh closes its run as interrupted)\n`,
        );
        target.exit(second === 'SIGINT' ? 130 : 143);
      };
      target.once('SIGTERM', again);
      target.once('SIGINT', again);
      resolve(signal);
    };
    target.on('SIGTERM', first);
    target.on('SIGINT', first);
  });
}

const DEFAULT_ENV: ServeEnvironment = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  stopSignal: processSignals,
  // Within the 10 s a container runtime waits between SIGTERM and SIGKILL.
  graceMs: 8_000,
  openRuntime,
};

export async function run(args: string[], output: CliOutput): Promise<number> {
  const { values } = parseCommand('serve', args, {
    port: { type: 'string' },
    host: { type: 'string' },
    schedule: { type: 'string' },
    timezone: { type: 'string' },
  });
  if (values.help) return showHelp(output, 'serve');
  return serveCommand(
    {
      configFile: values.config,
      dataDir: values.data,
      port: wholeNumber('port', values.port, 8080, 0, 65_535),
      host: values.host ?? '127.0.0.1',
      schedule: values.schedule ?? '0 6 * * *',
      timezone: values.timezone ?? 'UTC',
    },
    { stdout: (line) => output.out(`${line}\n`), stderr: (line) => output.err(`${line}\n`) },
  );
}

/** Runs until a stop signal, then exits 0; a bad option or an unusable address throws before anything is opened or served. */
export async function serveCommand(o: ServeOptions, env: Partial<ServeEnvironment> = {}): Promise<number> {
  const { stdout, stderr, stopSignal, graceMs, openRuntime: open } = { ...DEFAULT_ENV, ...env };
  const problem = scheduleProblem(o.schedule, o.timezone);
  if (problem !== null) throw usage(`serve: ${problem}`);
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65_535) throw usage(`serve: --port "${o.port}" is not a port number (0-65535)`);
  if (o.host !== 'localhost' && isIP(o.host) === 0) throw usage(`serve: --host "${o.host}" is not an IP address or localhost (e.g. 127.0.0.1, ::1, 0.0.0.0)`);

  const log = (line: string) => stderr(`${new Date().toISOString()} ${line}`);
  const runtime = open({ configFile: o.configFile, dataDir: o.dataDir, log });
  for (const warning of runtime.warnings) stderr(`regwatch: serve: ${warning}`);
  const publicDir = join(runtime.dataDir, 'public');
  // Publishing from the store fetches nothing: a fresh install serves valid, empty feeds, and files
  // published under another config (title, publicUrl, hub) or before a stop that abandoned a refresh
  // are brought up to date (publish-state.json skips the feeds when nothing they show changed). It
  // writes the public files, so it holds the run lock; a refresh under way publishes them itself.
  const lock = await acquireRunLock(runtime.store.runLock, 0).catch((error: unknown) => {
    if (error instanceof LockBusyError) return null;
    throw error;
  });
  if (lock === null) log('serve: a refresh in another process holds the run lock; it publishes the feeds');
  else {
    try {
      await publishFromStore(runtime.store, runtime.config, publicDir, runtime.site);
    } catch (error) {
      // Serving what was published before beats not serving at all; the next refresh publishes again.
      log(`serve: the feeds could not be published at start, the files already published are served: ${(error as Error).message}`);
    } finally {
      lock.release();
    }
  }

  const runner = createRefreshRunner({
    acquireLock: () => acquireRunLock(runtime.store.runLock, 0),
    now: runtime.now,
    log,
    refresh: (trigger, signal) => refresh(refreshDeps(runtime, log), { trigger, signal }),
  });
  const scheduler = createCronScheduler({
    cron: o.schedule,
    timezone: o.timezone,
    log,
    run: async () => {
      const start = await runner.start('schedule');
      if (!start.started) {
        log(
          `scheduled refresh skipped: ${start.reason === 'locked' ? start.detail : start.reason === 'running' ? 'a refresh is already running' : 'shutting down'}`,
        );
        return;
      }
      const run = await start.done;
      log(`scheduled refresh ${run.outcome}: ${run.itemsCreated ?? 0} new item(s)`);
    },
  });

  let server;
  try {
    server = await startHttpServer(
      { config: runtime.config, store: runtime.store, publicDir, site: runtime.site, runner, schedule: scheduler, now: runtime.now, log },
      { port: o.port, host: o.host },
    );
  } catch (error) {
    await runtime.close();
    throw new OperatorError('REGWATCH_SERVE_LISTEN', `serve: ${listenProblem(o.host, o.port, error as NodeJS.ErrnoException)}`);
  }
  const stopped = stopSignal();
  scheduler.start();
  const sendTimer =
    runtime.config.notify.length > 0 ? startSendTimer({ notifier: runtime.notifier, intervalMs: SEND_INTERVAL_MS, budgetMs: SEND_BUDGET_MS, log }) : null;
  stdout(`regwatch serve: ${server.url}`);
  stdout(`  refresh schedule "${o.schedule}" (${o.timezone}), next ${scheduler.nextRun()?.toISOString() ?? 'never'}`);
  stdout(`  POST /refresh ${runtime.config.refreshToken === undefined ? 'disabled (no refreshToken in the config)' : 'enabled'}; data in ${runtime.dataDir}`);
  if (!isLoopback(o.host)) stderr(`regwatch: serve: listening on ${o.host}, not only on this machine`);
  const mismatch = publicUrlMismatch(runtime.config.publicUrl, o.host, server.port);
  if (mismatch !== null) stderr(`regwatch: serve: ${mismatch}`);

  const signal = await stopped;
  log(`${signal}: stopping: no new requests or refreshes`);
  scheduler.stop();
  runner.stop();
  await sendTimer?.stop();
  const closed = server.close();
  const running = runner.current();
  let abandoned = false;
  if (running !== null) {
    abandoned = !(await Promise.race([runner.idle().then(() => true), delay(graceMs).then(() => false)]));
    if (abandoned) {
      log(
        `abandoning the running ${running.trigger} refresh after ${graceMs} ms: its requests are dropped; checks already stored are kept, the rest are redone next time`,
      );
      // Its signal aborts its fetches, so it stops at once; whatever missed the signal is not waited for.
      await Promise.race([runner.abandon(), delay(ABANDONED_REFRESH_WAIT_MS)]);
    } else {
      log('the running refresh finished');
    }
  }
  // Answered requests (the abandoned refresh's caller among them) go out before connections drop.
  await Promise.race([closed, delay(1_000)]);
  server.closeAllConnections();
  await closed;
  if (abandoned) {
    // better-sqlite3 transactions never span an await, so closing between two of them is clean.
    // An open socket would keep the process alive: requests still in flight are dropped.
    runtime.store.close();
    await Promise.race([runtime.fetcher.close({ abandonInFlight: true }), delay(1_000)]);
  } else {
    await runtime.close();
  }
  log('stopped');
  return EXIT.ok;
}

/** `cannot listen on 127.0.0.1:8080: the port is in use (pick another with --port)` */
export function listenProblem(host: string, port: number, error: NodeJS.ErrnoException): string {
  return `cannot listen on ${host}:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use (pick another with --port)' : error.message}`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
