import { createReadStream } from 'node:fs';
import type { BodyReader, ExtractOutcome } from './kind.js';

// A kind that reads its body as it arrives (kind.ts BodyReader) extracts a file the same way: the
// file is fed to a reader in chunks. One code path, whether the bytes come from a socket or a disk.

export async function readThrough(path: string, reader: BodyReader): Promise<ExtractOutcome> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) reader.write(chunk);
  return reader.finish(path);
}
