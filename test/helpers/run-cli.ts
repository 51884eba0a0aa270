import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TSX_IMPORT } from './tsx.js';

// The CLI in a child process, as a user runs it. `unprivileged` runs it as a user that file
// permissions apply to: when the tests run as root (who ignores them), as nobody (65534).
// `stdout` redirects its output to a file descriptor (`> /dev/full`), or closes the pipe after the
// first chunk as `| head -1` does; `nodeOptions` go before the CLI (an --import that traces loads).

export const CLI = resolve(import.meta.dirname, 'cli.ts');

/** `nodeOptions` that keep the CLI on 127.0.0.0/8: anything else is refused and reported (loopback-only.ts VIOLATION). */
export const LOOPBACK_ONLY = ['--import', pathToFileURL(resolve(import.meta.dirname, 'loopback-only.ts')).href];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  unprivileged?: boolean;
  stdout?: number | 'close-after-first-chunk';
  nodeOptions?: string[];
  env?: Record<string, string>;
}

export const NOBODY = 65_534;

export const runsAsRoot = process.getuid?.() === 0;

export function runCli(args: string[], cwd: string, options: CliOptions = {}): Promise<CliRun> {
  const user = options.unprivileged && runsAsRoot ? { uid: NOBODY, gid: NOBODY } : {};
  const stdoutTarget = typeof options.stdout === 'number' ? options.stdout : 'pipe';
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', TSX_IMPORT, ...(options.nodeOptions ?? []), CLI, ...args], {
      cwd,
      stdio: ['ignore', stdoutTarget, 'pipe'],
      env: { ...process.env, ...options.env },
      ...user,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (options.stdout === 'close-after-first-chunk') child.stdout!.destroy();
    });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
