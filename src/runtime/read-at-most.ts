import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

// Reads a file the user named, never more than a limit past which it cannot be what they meant:
// /dev/zero, a pipe that never ends or a stray multi-gigabyte file ends in one line naming it, not
// in an out-of-memory abort.

type BoundedRead = { kind: 'read'; bytes: Buffer } | { kind: 'too-large' };

const CHUNK_BYTES = 64 * 1024;

/**
 * The bytes of a file the user named (a config, a page, a saved download), or the caller's error:
 * `problem` gets why it cannot be read in words ("no such file"), or `tooLarge` past `maxBytes`.
 */
export function readNamedFile(path: string, maxBytes: number, problem: (reason: string) => Error, tooLarge: string): Buffer {
  let read: BoundedRead;
  try {
    read = readAtMost(path, maxBytes);
  } catch (error) {
    throw problem(whyUnreadable(error));
  }
  if (read.kind === 'too-large') throw problem(tooLarge);
  return read.bytes;
}

/** The file's bytes, or too-large past `maxBytes`. Throws the fs error (ENOENT, EISDIR, EACCES) for the caller to name. */
function readAtMost(path: string, maxBytes: number): BoundedRead {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isFile() && stat.size > maxBytes) return { kind: 'too-large' };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      total += read;
      if (total > maxBytes) return { kind: 'too-large' };
      chunks.push(chunk.subarray(0, read));
    }
    return { kind: 'read', bytes: Buffer.concat(chunks, total) };
  } finally {
    closeSync(fd);
  }
}

/** Why a file the user named cannot be read, in words: "no such file", "is a folder", else the error code. */
export function whyUnreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a folder, not a file';
  if (code === 'EACCES' || code === 'EPERM') return `cannot be read (${code}: no permission)`;
  return `cannot be read (${code ?? (error as Error).message ?? String(error)})`;
}

/** "5 MB", "10 MiB": how a limit reads in a message. */
export function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${(bytes / 1_000_000).toFixed(bytes % 1_000_000 === 0 ? 0 : 1)} MB`;
}
