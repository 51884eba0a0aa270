import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes `bytes` to dir/name unless the file already holds exactly those bytes (so its mtime, ETag
 * and readers' caches stay put). A temp file in the same directory, fsynced, then renamed: a reader
 * sees the old file or the new one, never half of one.
 */
export async function writeFileAtomicallyIfChanged(dir: string, name: string, bytes: string): Promise<'written' | 'unchanged'> {
  const target = join(dir, name);
  const wanted = Buffer.from(bytes, 'utf8');
  const current = await readFile(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (current !== undefined && current.equals(wanted)) return 'unchanged';

  const temp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`); // the shape isPublishTempFile knows
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(wanted);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
  return 'written';
}

/** A temp file of writeFileAtomicallyIfChanged, left in place only by a process killed mid-write. */
export function isPublishTempFile(name: string): boolean {
  return /^\..+\.[0-9a-f]{12}\.tmp$/.test(name);
}

// The rename itself is durable only once the directory entry is flushed (not possible on every platform).
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (handle === undefined) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}
