import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

// What the feeds and changes.json were last rendered from, so that a refresh that changed none of
// it (most days: a 304, pages unchanged) renders sources.json alone instead of every file. Kept in
// the data folder beside public/ (which holds the published files and nothing else, as served or
// copied). A missing, torn or unreadable record, other inputs, or a file that is no longer the one
// written (size or mtime differ: edited, deleted, restored from elsewhere) means a full publish, so
// the record is written without fsync: losing it costs one full publish, never a wrong file.

/** `<data>/publish-state.json` for `<data>/public`. */
export function publishStatePath(publicDir: string): string {
  return join(dirname(publicDir), 'publish-state.json');
}

interface FileStamp {
  size: number;
  mtimeMs: number;
}

interface PublishState {
  inputs: string;
  files: Record<string, FileStamp>;
}

/** One string for everything the rendered files depend on. */
export function inputsKey(inputs: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

/** True when `names` in dir are still the files rendered from these inputs. */
export async function stillPublished(dir: string, inputs: string, names: readonly string[]): Promise<boolean> {
  const state = await readState(publishStatePath(dir));
  if (state === undefined || state.inputs !== inputs) return false;
  for (const name of names) {
    const recorded = state.files[name];
    const current = await stampOf(dir, name);
    if (recorded === undefined || current === undefined) return false;
    if (recorded.size !== current.size || recorded.mtimeMs !== current.mtimeMs) return false;
  }
  return true;
}

/** Records that `names` in dir, as they are now, were rendered from these inputs. */
export async function recordPublished(dir: string, inputs: string, names: readonly string[]): Promise<void> {
  const files: Record<string, FileStamp> = {};
  for (const name of names) {
    const stamp = await stampOf(dir, name);
    if (stamp === undefined) return; // a file went away meanwhile: no record, the next publish is full
    files[name] = stamp;
  }
  const state: PublishState = { inputs, files };
  // Best effort: a record that cannot be written (a folder in its place, a full disk) costs the
  // next refresh a full publish, never this refresh (its feeds are written, its run still closes).
  await writeFile(publishStatePath(dir), `${JSON.stringify(state)}\n`).catch(() => undefined);
}

async function stampOf(dir: string, name: string): Promise<FileStamp | undefined> {
  const info = await stat(join(dir, name)).catch(() => undefined);
  return info?.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : undefined;
}

async function readState(path: string): Promise<PublishState | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<PublishState>;
    return typeof parsed.inputs === 'string' && typeof parsed.files === 'object' && parsed.files !== null ? (parsed as PublishState) : undefined;
  } catch {
    return undefined;
  }
}
