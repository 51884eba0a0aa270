import { loadConfig } from '../config/index.js';
import { openStore } from '../store/store.js';
import { sourceReports } from '../pipeline/source-reports.js';
import { oneOf, parseCommand } from './args.js';
import { EXIT } from './exit-codes.js';
import { formatSources } from './format-sources.js';
import { formatChannelStatuses } from './format-notify.js';
import { channelStatuses } from '../notify/channel-status.js';
import { showHelp } from './help-text.js';
import type { CliOutput } from './output.js';
import { dataDirOf, namingDatabaseProblems, openStoreForReading } from './read-store.js';
import { jsonForTerminal } from './terminal-text.js';

// `regwatch sources`: each configured source's state, from the config and the database, and each
// notification channel's pending and dead deliveries.

export async function run(args: string[], output: CliOutput): Promise<number> {
  const { values } = parseCommand('sources', args, { format: { type: 'string' } });
  if (values.help) return showHelp(output, 'sources');
  const format = oneOf('format', values.format, ['table', 'json'] as const, 'table');
  const { config } = loadConfig(values.config);
  const store = (await openStoreForReading(dataDirOf(values.data))) ?? openStore(':memory:');
  try {
    const { reports, channels } = namingDatabaseProblems(store.path, () => ({
      reports: sourceReports(store, config),
      channels: channelStatuses(config.notify, store.deliveries.countsByChannel()),
    }));
    if (format === 'json') output.out(`${jsonForTerminal(reports)}\n`);
    else
      output.out(
        channels.length === 0
          ? formatSources(reports)
          : `${formatSources(reports)}\nNotifications (regwatch notify for the deliveries):\n${formatChannelStatuses(channels)}`,
      );
    return EXIT.ok;
  } finally {
    store.close();
  }
}
