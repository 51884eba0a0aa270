import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

// A regwatch that serves (`serve`, `demo --serve`) in a child process, as a user starts it: resolves
// once its banner names the URL it answers at, with everything it printed so far and after.

const BANNER = /regwatch serve: (http:\/\/127\.0\.0\.1:\d+\/)/;

export interface ServingChild {
  child: ChildProcess;
  /** The banner's URL, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  stdout(): string;
  stderr(): string;
  /** The exit code once the process has ended and its output is read (null when a signal ended it). */
  exited: Promise<number | null>;
}

/** Rejects, with what it printed, when the child ends or stays silent for `timeoutMs` before its banner. */
export function startServingChild(command: string, args: string[], options: SpawnOptions & { timeoutMs?: number } = {}): Promise<ServingChild> {
  const { timeoutMs = 30_000, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`serve never started within ${timeoutMs} ms: ${stdout} ${stderr}`));
    }, timeoutMs);
    const ready = () => {
      const url = BANNER.exec(stdout)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.stdout!.off('data', ready);
      done({ child, url, stdout: () => stdout, stderr: () => stderr, exited });
    };
    child.stdout!.on('data', ready);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`serve ended (exit ${code}) before it started: ${stdout} ${stderr}`));
    });
  });
}
