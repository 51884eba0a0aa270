import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config.js';
import { buildFetcher } from './runtime.js';
import { openStore } from './store/store.js';
import { watcherFor } from '../watchers/index.js';
import type { ExtractOutcome } from '../watchers/watcher.js';
import { DEFAULT_CATALOGUE } from './config.js';

// `regwatch inspect`: what a watcher sees on one page. Reads a file or fetches a URL (politely, with
// the same guarded client as refresh), extracts, prints. Stores nothing.

export async function inspect(
  target: string,
  watcherId: 'iso-page' | 'iso-opendata',
  options: { configFile: string | undefined; readFile: (path: string) => Promise<Buffer> },
): Promise<{ ok: boolean; output: unknown }> {
  const { config } = loadConfig(options.configFile);
  const watcher = watcherFor(watcherId);
  const isUrl = /^https?:\/\//i.test(target);
  const work = await mkdtemp(join(tmpdir(), 'regwatch-inspect-'));
  const hostStore = openStore(':memory:');
  const fetcher = buildFetcher(config, hostStore.hostState, { hostIntervalMs: 0, maxRetries: 1 });
  try {
    let outcome: ExtractOutcome;
    if (watcher.kind === 'page') {
      let body: string;
      if (isUrl) {
        const fetched = await fetcher.get(target, { maxBytes: watcher.maxResponseBytes });
        if (fetched.kind !== 'ok') return { ok: false, output: { verdict: 'unreadable', detail: fetched.kind === 'unreadable' ? fetched.reason : 'not modified' } };
        body = (fetched.body ?? Buffer.alloc(0)).toString('utf8');
      } else {
        body = (await options.readFile(target)).toString('utf8');
      }
      outcome = watcher.extract(body, { url: isUrl ? target : `file://${target}` });
    } else {
      let path = target;
      if (isUrl) {
        path = join(work, 'dump.jsonl');
        const fetched = await fetcher.get(target, { maxBytes: watcher.maxResponseBytes, spoolTo: path });
        if (fetched.kind !== 'ok') return { ok: false, output: { verdict: 'unreadable', detail: fetched.kind === 'unreadable' ? fetched.reason : 'not modified' } };
      }
      const catalogue = config.sources.find((s) => s.watcher === 'iso-opendata');
      outcome = await watcher.extractFile(path, {
        committees: catalogue?.committees ?? DEFAULT_CATALOGUE.committees,
        documents: catalogue?.documents ?? DEFAULT_CATALOGUE.documents,
        knownKeys: new Set(),
      });
    }
    if (outcome.kind === 'records') return { ok: true, output: outcome.records.length === 1 ? outcome.records[0] : outcome.records };
    return { ok: false, output: { verdict: outcome.kind, detail: outcome.reason } };
  } finally {
    await fetcher.close();
    hostStore.close();
    await rm(work, { recursive: true, force: true });
  }
}
