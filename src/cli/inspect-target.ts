import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSources, loadConfig, parseConfig, type SourceConfig } from '../config/index.js';
import { buildFetcher } from '../runtime/open-runtime.js';
import { openStore } from '../store/store.js';
import { kindOf } from '../../watchers/index.js';
import type { ExtractOutcome } from '../../watchers/kind.js';
import { watchedSource } from '../pipeline/sources.js';
import { runWatch } from '../pipeline/watch.js';
import { OperatorError } from '../model/operator-error.js';
import { isForbiddenHostLiteral, isPrivateHostLiteral } from '../fetch/address-guard.js';
import { sizeText, whyUnreadable } from '../runtime/read-at-most.js';

// `regwatch inspect`: what a kind of source sees on one page or download. Reads a file or fetches a
// URL (politely, with the same guarded client as refresh), extracts, prints. Stores nothing. A
// kind's own settings (a catalogue's committees, NIST's documents) come from the first source of
// that kind in the config, else in the shipped watch list.

export async function inspectTarget(
  target: string,
  kindId: string,
  options: {
    configFile: string | undefined;
    /** A saved page, at most `maxBytes` (the kind's limit on a fetched one). */
    readFile: (path: string, maxBytes: number) => Promise<Buffer>;
    /** Where a saved file was fetched from: some kinds read the document's id from it. */ url?: string;
  },
): Promise<{ ok: boolean; output: unknown }> {
  const { config } = loadConfig(options.configFile);
  const kind = kindOf(kindId);
  const source = watchedSource(sourceOfKind(config.sources, kindId, target));
  const scope = runWatch([source], () => new Map()).scopes.get(source.id)!;
  const isUrl = /^https?:\/\//i.test(target);
  if (isUrl && isForbiddenHostLiteral(new URL(target).hostname)) {
    throw new OperatorError(
      'REGWATCH_INSPECT_INPUT',
      `inspect: ${new URL(target).host} is a link-local, metadata or special-purpose address: regwatch never contacts it, whatever the config`,
    );
  }
  if (isUrl && !config.allowPrivateNetwork && isPrivateHostLiteral(new URL(target).hostname)) {
    throw new OperatorError(
      'REGWATCH_INSPECT_INPUT',
      `inspect: ${new URL(target).host} is a private address: regwatch reaches only public addresses unless the config sets "allowPrivateNetwork": true (for loopback tests and local mirrors; give it with --config)`,
    );
  }
  const work = await mkdtemp(join(tmpdir(), 'regwatch-inspect-'));
  const hostStore = openStore(':memory:');
  const fetcher = buildFetcher(config, hostStore.hostState, { hostIntervalMs: 0, maxRetries: 1 });
  try {
    const context = { url: isUrl ? target : (options.url ?? `file://${target}`), options: source.spec.options, scope, knownKeys: new Set<string>() };
    let outcome: ExtractOutcome;
    if (kind.input === 'text') {
      let body: Buffer;
      if (isUrl) {
        const fetched = await fetcher.get(target, { maxBytes: kind.maxResponseBytes });
        if (fetched.kind !== 'ok')
          return { ok: false, output: { verdict: 'unreadable', detail: fetched.kind === 'unreadable' ? fetched.reason : 'not modified' } };
        body = fetched.body ?? Buffer.alloc(0);
      } else {
        body = await options.readFile(target, kind.maxResponseBytes);
      }
      outcome = await kind.extract(body.toString('utf8'), context);
    } else {
      let path = target;
      if (!isUrl) refuseUnfitDownload(target, kind.id, kind.maxResponseBytes);
      if (isUrl) {
        path = join(work, 'download');
        const fetched = await fetcher.get(target, { maxBytes: kind.maxResponseBytes, spoolTo: path });
        if (fetched.kind !== 'ok')
          return { ok: false, output: { verdict: 'unreadable', detail: fetched.kind === 'unreadable' ? fetched.reason : 'not modified' } };
      }
      outcome = await kind.extract(path, context);
    }
    if (outcome.kind === 'records') return { ok: true, output: outcome.records.length === 1 ? outcome.records[0] : outcome.records };
    return { ok: false, output: { verdict: outcome.kind, detail: outcome.reason } };
  } finally {
    await fetcher.close();
    hostStore.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** The config's first source of this kind, else the shipped watch list's, else the kind with no settings. */
function sourceOfKind(sources: readonly SourceConfig[], kindId: string, target: string): SourceConfig {
  const configured = sources.find((s) => s.watcher === kindId);
  if (configured !== undefined) return { ...configured, url: target };
  const shipped = parseConfig({ sources: defaultSources() }).sources.find((s) => s.watcher === kindId);
  if (shipped !== undefined) return { ...shipped, url: target };
  const options = kindOf(kindId).options.safeParse({});
  if (!options.success) {
    throw new OperatorError(
      'REGWATCH_INSPECT_OPTIONS',
      `inspect: a ${kindId} source needs settings (${options.error.issues[0]?.message ?? 'see the README'}): give a --config with a ${kindId} source`,
    );
  }
  return { id: 'inspect', watcher: kindId, url: target, requirements: false, options: options.data as Record<string, unknown> };
}

/** A saved download is read whole by its kind: a device or pipe, or a file over the kind's limit on a fetched one, is refused. */
function refuseUnfitDownload(path: string, kindId: string, maxBytes: number): void {
  const stat = (() => {
    try {
      return statSync(path);
    } catch (error) {
      throw new OperatorError('REGWATCH_INSPECT_INPUT', `inspect: ${path}: ${whyUnreadable(error)}`);
    }
  })();
  if (!stat.isFile()) throw new OperatorError('REGWATCH_INSPECT_INPUT', `inspect: ${path}: is not a regular file (${kindId} reads a saved download)`);
  if (stat.size > maxBytes) {
    throw new OperatorError('REGWATCH_INSPECT_INPUT', `inspect: ${path}: is larger than ${sizeText(maxBytes)}, the most regwatch downloads for ${kindId}`);
  }
}
