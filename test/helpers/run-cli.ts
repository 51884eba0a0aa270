import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { TSX_IMPORT } from './tsx.js';

// The CLI in a child process, as a user runs it. `unprivileged` runs it as a user that file
// permissions apply to: when the tests run as root (who ignores them), as nobody (65534).

const CLI = resolve(import.meta.dirname, 'cli.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const NOBODY = 65_534;

export const runsAsRoot = process.getuid?.() === 0;

export function runCli(args: string[], cwd: string, options: { unprivileged?: boolean } = {}): Promise<CliRun> {
  const user = options.unprivileged && runsAsRoot ? { uid: NOBODY, gid: NOBODY } : {};
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', TSX_IMPORT, CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...user });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}
