import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { TSX_IMPORT } from './tsx.js';

// Runs test/helpers/refresh-child.ts and SIGKILLs it where it pauses (`killAt`): the parent then
// checks what a refresh killed at that point left behind.

const CHILD = resolve(import.meta.dirname, 'refresh-child.ts');

/** Resolves with the child's stdout once it was killed at `killAt`; rejects if it never paused there. */
export function killedRefresh(dataDir: string, configJson: string, clock: string, killAt: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', TSX_IMPORT, CHILD, dataDir, configJson, clock, killAt], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`child never reached ${killAt}: ${out} ${err}`));
    }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('PAUSED')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && out.includes(`PAUSED ${killAt}`)) done(out);
      else fail(new Error(`child ended without pausing at ${killAt} (signal ${signal}): ${out} ${err}`));
    });
  });
}
