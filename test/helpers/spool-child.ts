// Downloads one URL `runs` times to a spool file on a deliberately slow disk, in its own process:
// undici 7's parser assertion (nodejs/undici#5360) kills the process, so only a child can show it.
// argv: <url> <runs> <spoolDir>. Prints one JSON line per run, then "DONE".
import { createWriteStream, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createFetcher } from '../../src/fetch/index.js';
import { fakeClock, testFetcherDeps } from '../fault-server.js';

const [url, runs, spoolDir] = process.argv.slice(2) as [string, string, string];

/** A disk slower than loopback: every chunk waits a few milliseconds before it is written. */
function slowDisk(path: string): Writable {
  const file = createWriteStream(path);
  return new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, done) {
      setTimeout(() => file.write(chunk, (error) => done(error ?? null)), 2);
    },
    final(done) {
      file.end(() => done());
    },
    destroy(error, done) {
      file.destroy();
      done(error);
    },
  });
}

const fetcher = createFetcher(testFetcherDeps(fakeClock(), { openSpool: slowDisk }));
for (let run = 0; run < Number(runs); run++) {
  const spoolTo = join(spoolDir, `run-${run}.download`);
  const result = await fetcher.get(url, { maxBytes: 50_000_000, spoolTo });
  const line =
    result.kind === 'ok'
      ? { kind: result.kind, bytes: result.bytes, sha256: result.sha256 }
      : { kind: result.kind, code: 'code' in result ? result.code : undefined };
  writeSync(1, `${JSON.stringify(line)}\n`);
}
await fetcher.close();
writeSync(1, 'DONE\n');
