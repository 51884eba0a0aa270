import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw, crc32 } from 'node:zlib';

// Reads ONE named file out of a zip archive on disk, with caps, using node:zlib only. CSRC's
// pubs-export.zip is one deflated JSON file of 0.8–1.7 MB (about 13:1); a zip is small to read
// by hand (APPNOTE.TXT 4.3: end of central directory → central directory → local header → data),
// and doing it here keeps every size under our control:
//
// - the declared size of the entry must be under `maxBytes` and its ratio under `maxRatio`;
// - the inflated bytes are counted as they come and the stream is destroyed the moment they pass
//   the declared size (a lying header), so memory never holds more than `maxBytes`;
// - the CRC-32 and the inflated length must match the central directory (a cut download).
//
// A body that is not a zip, a cut or corrupt one, and a bomb are `unreadable` (the download is not
// the catalogue: try again later); a sound zip without the file, or one we cannot decode
// (encrypted, another compression method), is `extraction-failed`.

export interface ZipLimits {
  /** Largest inflated size accepted, declared or actual. */
  maxBytes: number;
  /** Largest inflated:compressed ratio accepted. */
  maxRatio: number;
}

export type ZipEntryOutcome =
  { kind: 'entry'; bytes: Buffer; sha256: string } | { kind: 'unreadable'; reason: string } | { kind: 'extraction-failed'; reason: string };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;
const MAX_CENTRAL_BYTES = 1 << 20;
const MAX_ENTRIES = 10_000;

interface CentralEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export async function readZipEntry(path: string, wanted: string, limits: ZipLimits): Promise<ZipEntryOutcome> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const directory = await readCentralDirectory(handle, size);
    if (directory.kind !== 'entries') return directory;
    const entry = directory.entries.find((e) => e.name === wanted || e.name.endsWith(`/${wanted}`));
    if (entry === undefined) {
      const names =
        directory.entries
          .map((e) => e.name)
          .slice(0, 5)
          .join(', ') || 'nothing';
      return failed(`the zip holds no ${wanted} (it holds ${names})`);
    }
    if ((entry.flags & 0x1) !== 0) return failed(`${entry.name} is encrypted`);
    if (entry.method !== 0 && entry.method !== 8) return failed(`${entry.name} uses compression method ${entry.method}, not deflate`);
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff)
      return unreadable(`${entry.name} is a ZIP64 entry: far beyond the ${mb(limits.maxBytes)} cap`);
    if (entry.size > limits.maxBytes) return unreadable(`${entry.name} declares ${mb(entry.size)} inflated, over the ${mb(limits.maxBytes)} cap (a zip bomb?)`);
    const ratio = entry.size / Math.max(entry.compressedSize, 1);
    if (ratio > limits.maxRatio) {
      return unreadable(
        `${entry.name} declares a compression ratio of ${Math.round(ratio)}:1, beyond the ${limits.maxRatio}:1 a catalogue reaches (a zip bomb?)`,
      );
    }
    const dataStart = await localDataStart(handle, entry, size);
    if (typeof dataStart === 'string') return unreadable(dataStart);
    return await inflateEntry(path, entry, dataStart);
  } finally {
    await handle.close();
  }
}

type Directory = { kind: 'entries'; entries: CentralEntry[] } | { kind: 'unreadable'; reason: string };

async function readCentralDirectory(handle: FileHandle, size: number): Promise<Directory> {
  const head = await readAt(handle, 0, Math.min(size, 16));
  if (size < EOCD_MIN || head.readUInt32LE(0) !== LOCAL) {
    return unreadable(`the body is not a zip archive (${size} bytes starting ${JSON.stringify(printable(head))})`);
  }
  const tailLength = Math.min(size, EOCD_MIN + MAX_COMMENT);
  const tail = await readAt(handle, size - tailLength, tailLength);
  let at = -1;
  for (let i = tail.length - EOCD_MIN; i >= 0; i -= 1) {
    if (tail.readUInt32LE(i) === EOCD && i + EOCD_MIN + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at === -1) return unreadable('the zip has no end of central directory: the download is cut short');
  const entries = tail.readUInt16LE(at + 10);
  const centralSize = tail.readUInt32LE(at + 12);
  const centralOffset = tail.readUInt32LE(at + 16);
  const eocdOffset = size - tailLength + at;
  if (tail.readUInt16LE(at + 4) !== 0 || tail.readUInt16LE(at + 6) !== 0) return unreadable('the zip spans several disks');
  if (entries === 0xffff || centralOffset === 0xffffffff) return unreadable('the zip is a ZIP64 archive: far beyond what the catalogue needs');
  if (entries > MAX_ENTRIES || centralSize > MAX_CENTRAL_BYTES)
    return unreadable(`the zip's central directory is too large (${entries} entries, ${centralSize} bytes)`);
  if (centralOffset + centralSize > eocdOffset) return unreadable('the zip central directory lies outside the file: the download is cut short or corrupt');

  const central = await readAt(handle, centralOffset, centralSize);
  const list: CentralEntry[] = [];
  let p = 0;
  for (let n = 0; n < entries; n += 1) {
    if (p + 46 > central.length || central.readUInt32LE(p) !== CENTRAL) return unreadable(`the zip central directory is corrupt at entry ${n + 1}`);
    const nameLength = central.readUInt16LE(p + 28);
    const extraLength = central.readUInt16LE(p + 30);
    const commentLength = central.readUInt16LE(p + 32);
    if (p + 46 + nameLength > central.length) return unreadable(`the zip central directory is corrupt at entry ${n + 1}`);
    const flags = central.readUInt16LE(p + 8);
    list.push({
      name: central.toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength),
      flags,
      method: central.readUInt16LE(p + 10),
      crc: central.readUInt32LE(p + 16),
      compressedSize: central.readUInt32LE(p + 20),
      size: central.readUInt32LE(p + 24),
      localOffset: central.readUInt32LE(p + 42),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return { kind: 'entries', entries: list };
}

/** Where the entry's compressed bytes start, or why they cannot be where the directory says. */
async function localDataStart(handle: FileHandle, entry: CentralEntry, size: number): Promise<number | string> {
  if (entry.localOffset + 30 > size) return `${entry.name}: its local header lies outside the file`;
  const local = await readAt(handle, entry.localOffset, 30);
  if (local.readUInt32LE(0) !== LOCAL) return `${entry.name}: no local header where the central directory points`;
  const start = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (start + entry.compressedSize > size) return `${entry.name}: the compressed data runs past the end of the file (cut short)`;
  return start;
}

async function inflateEntry(path: string, entry: CentralEntry, start: number): Promise<ZipEntryOutcome> {
  const chunks: Buffer[] = [];
  let total = 0;
  let crc = 0;
  const hash = createHash('sha256');
  let overflow: string | null = null;
  const take = (chunk: Buffer): string | null => {
    total += chunk.length;
    if (total > entry.size) {
      overflow = `${entry.name} inflates past its declared ${entry.size} bytes (a zip bomb or a corrupt archive)`;
      return overflow;
    }
    chunks.push(chunk);
    crc = crc32(chunk, crc);
    hash.update(chunk);
    return null;
  };

  if (entry.compressedSize > 0) {
    const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 16 });
    const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
      for await (const chunk of source) {
        const problem = take(chunk);
        if (problem !== null) throw new Overflow(problem);
      }
    };
    try {
      // pipeline() destroys every stream on the first error: the inflater stops the moment we throw
      if (entry.method === 8) await pipeline(raw, createInflateRaw({ chunkSize: 1 << 16 }), consume);
      else await pipeline(raw, consume);
    } catch (error) {
      if (overflow !== null) return unreadable(overflow);
      return unreadable(`${entry.name} does not inflate (${(error as { code?: string }).code ?? 'corrupt deflate data'})`);
    }
  }
  if (total !== entry.size) return unreadable(`${entry.name} inflated to ${total} bytes where the zip declares ${entry.size} (corrupt or cut short)`);
  if (crc >>> 0 !== entry.crc >>> 0) return unreadable(`${entry.name} fails its CRC-32 check (corrupt download)`);
  return { kind: 'entry', bytes: Buffer.concat(chunks, total), sha256: hash.digest('hex') };
}

class Overflow extends Error {}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function printable(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
}

function mb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 1 : 0)} MB`;
}

function unreadable(reason: string): { kind: 'unreadable'; reason: string } {
  return { kind: 'unreadable', reason };
}

function failed(reason: string): { kind: 'extraction-failed'; reason: string } {
  return { kind: 'extraction-failed', reason };
}
