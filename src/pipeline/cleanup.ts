import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/store.js';
import { isSpoolFile } from './acquire.js';
import { isPublishTempFile } from '../publish/atomic-write.js';

// A refresh killed mid-way (SIGKILL, a stopped container, a power cut) leaves a half-read dump in
// <data>/tmp (hundreds of MB: four kills during a 2 GB download left 369 MB), perhaps a publish
// temp file in <data>/public, and a run row that never finished. The next refresh removes and
// closes them before anything else. Called under the run lock, so no other refresh is writing them.

export interface CleanupReport {
  removed: Array<{ path: string; bytes: number }>;
  interruptedRuns: number[];
}

export async function cleanUpInterruptedRuns(deps: { dataDir: string; store: Store; progress?: (line: string) => void }): Promise<CleanupReport> {
  const removed = [...(await removeMatching(deps.dataDir, 'tmp', isSpoolFile)), ...(await removeMatching(deps.dataDir, 'public', isPublishTempFile))];
  const interruptedRuns = deps.store.closeInterruptedRuns();
  if (removed.length > 0) {
    const megabytes = (removed.reduce((sum, file) => sum + file.bytes, 0) / (1024 * 1024)).toFixed(1);
    deps.progress?.(`cleanup: removed ${removed.length} file(s) a killed refresh left (${megabytes} MB): ${removed.map((f) => f.path).join(', ')}`);
  }
  for (const runId of interruptedRuns) deps.progress?.(`cleanup: run ${runId} never finished: closed as interrupted`);
  return { removed, interruptedRuns };
}

/** Files of `<dataDir>/<folder>` whose names match, removed; paths relative to dataDir. */
async function removeMatching(dataDir: string, folder: string, matches: (name: string) => boolean): Promise<CleanupReport['removed']> {
  const entries = await readdir(join(dataDir, folder), { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const removed: CleanupReport['removed'] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !matches(entry.name)) continue;
    const path = join(dataDir, folder, entry.name);
    const { size } = await stat(path);
    await rm(path, { force: true });
    removed.push({ path: `${folder}/${entry.name}`, bytes: size });
  }
  return removed.sort((a, b) => (a.path < b.path ? -1 : 1));
}
