import { join } from 'node:path';
import { isCleanVerdict } from '../model/source-report.js';
import { openRuntime, refreshDeps } from '../runtime/open-runtime.js';
import { VERSION } from '../runtime/version.js';
import { refresh, refuseUnknownSources } from '../pipeline/refresh.js';
import { databaseProblem } from '../store/database-problem.js';
import { acquireRunLock } from '../store/run-lock.js';
import { parseCommand, wholeNumber } from './args.js';
import { EXIT } from './exit-codes.js';
import { formatRefreshOutcomes } from './format-refresh.js';
import { formatNotifyReport } from './format-notify.js';
import { showHelp } from './help-text.js';
import type { CliOutput } from './output.js';

// `regwatch refresh`: one refresh under the run lock, one line per source on stdout, progress on
// stderr; the verdicts choose the exit code.

export async function run(args: string[], output: CliOutput): Promise<number> {
  const { values } = parseCommand('refresh', args, {
    source: { type: 'string', multiple: true },
    'wait-lock': { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (values.help) return showHelp(output, 'refresh');
  const waitSeconds = wholeNumber('wait-lock', values['wait-lock'], 10, 0, 86_400);
  const progress = values.quiet ? undefined : (line: string) => output.err(`${line}\n`);
  const runtime = openRuntime({ configFile: values.config, dataDir: values.data, ...(progress ? { log: progress } : {}) });
  for (const warning of runtime.warnings) output.err(`${warning}\n`);
  let lock;
  try {
    refuseUnknownSources(runtime.config.sources, values.source);
    lock = await acquireRunLock(runtime.store.runLock, waitSeconds * 1000);
  } catch (error) {
    await runtime.close();
    throw databaseProblem(error, runtime.store.path) ?? error;
  }
  try {
    progress?.(`regwatch ${VERSION}: ${runtime.config.sources.length} source(s) from ${runtime.configOrigin}; data in ${runtime.dataDir}`);
    const result = await refresh(refreshDeps(runtime, progress), { trigger: 'cli', only: values.source });
    output.out(formatRefreshOutcomes(result.outcomes));
    progress?.(`${result.itemsCreated} new item(s); feeds in ${join(runtime.dataDir, 'public')} (${result.published.written.length} file(s) rewritten)`);
    if (result.notified !== undefined && runtime.notifier.enabled) progress?.(formatNotifyReport(result.notified));
    // A change regwatch could not publish is its own bug: said even under --quiet, and exit 1.
    if (!progress) for (const reason of result.refused) output.err(`compose: item refused, kept pending: ${reason}\n`);
    if (result.outcomes.some((o) => o.verdict === 'internal') || result.refused.length > 0) return EXIT.internal;
    return result.outcomes.some((o) => !isCleanVerdict(o.verdict)) ? EXIT.sourcesFailed : EXIT.ok;
  } catch (error) {
    throw databaseProblem(error, runtime.store.path) ?? error;
  } finally {
    lock.release();
    await runtime.close();
  }
}
