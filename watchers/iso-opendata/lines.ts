import { createReadStream } from 'node:fs';

// Splits a file's bytes, read in chunks, into lines with each line's byte offset, so that a row
// seen once can be read again later by position without being kept. Memory: one chunk plus one
// line. A line is handed over as a range of the chunk it is in, not as a Buffer of its own: most
// lines get a glance and no more, and a Buffer per line was a good part of the cost of a pass. The
// lines, offsets and outcome do not depend on the chunk size: a line longer than maxLineBytes
// stops the reading wherever it falls.

export type LinesOutcome = { kind: 'read'; lines: number } | { kind: 'stopped'; lines: number } | { kind: 'line-too-long'; offset: number };

/**
 * Called with each line, `buffer[start, end)`, minus its `\n` (a `\r` is left for the caller), and
 * the line's offset in the whole; `complete` is false only for a last line with no newline, which
 * may be cut short. Returning `false` stops the reading: later chunks are ignored.
 */
export type OnLine = (buffer: Buffer, start: number, end: number, offset: number, complete: boolean) => boolean;

export interface LineSplitter {
  /** False once the reading is over (stopped, or a line too long): later chunks would be ignored. */
  push(chunk: Buffer): boolean;
  /** After the last chunk: how the reading went (the unterminated last line is handed over now). */
  end(): LinesOutcome;
}

export function lineSplitter(maxLineBytes: number, onLine: OnLine): LineSplitter {
  let carry: Buffer | null = null;
  let carryOffset = 0;
  let position = 0;
  let lines = 0;
  let stopped: LinesOutcome | null = null;
  const emit = (buffer: Buffer, start: number, end: number, offset: number, complete = true): boolean => {
    lines += 1;
    if (onLine(buffer, start, end, offset, complete)) return true;
    stopped = { kind: 'stopped', lines };
    return false;
  };
  return {
    push(chunk) {
      if (stopped === null) take(chunk);
      return stopped === null;
    },
    end() {
      if (stopped !== null) return stopped;
      if (carry !== null && !emit(carry, 0, carry.length, carryOffset, false)) return stopped!;
      return { kind: 'read', lines };
    },
  };

  function take(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(10);
    if (carry !== null && newline !== -1) {
      if (carry.length + newline > maxLineBytes) return void (stopped = { kind: 'line-too-long', offset: carryOffset });
      const line = Buffer.concat([carry, chunk.subarray(0, newline)]);
      carry = null;
      if (!emit(line, 0, line.length, carryOffset)) return;
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    while (newline !== -1) {
      if (newline - start > maxLineBytes) return void (stopped = { kind: 'line-too-long', offset: position + start });
      if (!emit(chunk, start, newline, position + start)) return;
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
      if (carry.length > maxLineBytes) stopped = { kind: 'line-too-long', offset: carryOffset };
    }
    position += chunk.length;
  }
}

/** Reads a file through a line splitter, chunk by chunk; stops reading once the lines are stopped. */
export async function forEachLine(path: string, maxLineBytes: number, onLine: OnLine): Promise<LinesOutcome> {
  const lines = lineSplitter(maxLineBytes, onLine);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (!lines.push(chunk)) break;
  }
  return lines.end();
}
