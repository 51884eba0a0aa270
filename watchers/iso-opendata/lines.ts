import { createReadStream } from 'node:fs';

// Streams a file line by line as raw bytes with each line's byte offset, so that a row seen once
// can be read again later by position without being kept. Memory: one chunk plus one line.

export type LinesOutcome = { kind: 'read'; lines: number } | { kind: 'stopped'; lines: number } | { kind: 'line-too-long'; offset: number };

/**
 * Calls `onLine` with each line minus its `\n` (a `\r` is left for the caller); `complete` is false
 * only for a last line with no newline, which may be cut short. Returning `false` stops the read.
 */
export async function forEachLine(
  path: string,
  maxLineBytes: number,
  onLine: (line: Buffer, offset: number, complete: boolean) => boolean,
): Promise<LinesOutcome> {
  let carry: Buffer | null = null;
  let carryOffset = 0;
  let position = 0;
  let lines = 0;
  const emit = (line: Buffer, offset: number, complete = true): boolean => {
    lines += 1;
    return onLine(line, offset, complete);
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    let newline = chunk.indexOf(10);
    if (carry !== null && newline !== -1) {
      const line = Buffer.concat([carry, chunk.subarray(0, newline)]);
      carry = null;
      if (!emit(line, carryOffset)) return { kind: 'stopped', lines };
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    while (newline !== -1) {
      if (!emit(chunk.subarray(start, newline), position + start)) return { kind: 'stopped', lines };
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start < chunk.length) {
      if (carry === null) {
        carry = chunk.subarray(start);
        carryOffset = position + start;
      } else {
        carry = Buffer.concat([carry, chunk.subarray(start)]);
      }
      if (carry.length > maxLineBytes) return { kind: 'line-too-long', offset: carryOffset };
    }
    position += chunk.length;
  }
  if (carry !== null) {
    if (!emit(carry, carryOffset, false)) return { kind: 'stopped', lines };
  }
  return { kind: 'read', lines };
}
