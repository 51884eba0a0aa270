import { loadConfig } from '../config/index.js';
import { channelStatuses } from '../notify/channel-status.js';
import type { DeliveryState, Store } from '../store/store.js';
import { openRuntime, notifyWarnings } from '../runtime/open-runtime.js';
import { oneOf, parseCommand, usage, wholeNumber } from './args.js';
import { EXIT } from './exit-codes.js';
import { formatChannelStatuses, formatDeliveries, formatNotifyReport } from './format-notify.js';
import { showHelp } from './help-text.js';
import type { CliOutput } from './output.js';
import { dataDirOf, namingDatabaseProblems, openStoreForReading } from './read-store.js';
import { jsonForTerminal } from './terminal-text.js';

// `regwatch notify`: the outbox per channel (pending, sent, dead) and the deliveries themselves;
// `--retry-dead` queues given-up deliveries again, `--send` runs a send pass now. Exits 7 while a
// delivery is dead, so a monitor can run it.

const STATES = ['pending', 'sent', 'dead'] as const;
/** A pass from the command line may take longer than a refresh's: someone is waiting for it. */
const SEND_BUDGET_MS = 60_000;

export async function run(args: string[], output: CliOutput): Promise<number> {
  const { values } = parseCommand('notify', args, {
    channel: { type: 'string' },
    state: { type: 'string' },
    last: { type: 'string' },
    'retry-dead': { type: 'boolean' },
    send: { type: 'boolean' },
    format: { type: 'string' },
  });
  if (values.help) return showHelp(output, 'notify');
  const state = values.state === undefined ? undefined : oneOf<DeliveryState>('state', values.state, STATES, 'pending');
  const last = wholeNumber('last', values.last, 20, 1, 1_000_000);
  const format = oneOf('format', values.format, ['table', 'json'] as const, 'table');
  const { config } = loadConfig(values.config);
  const channel = values.channel;
  if (channel !== undefined && !config.notify.some((c) => c.id === channel)) {
    throw usage(`notify: --channel ${channel}: no such channel in the config (channels: ${config.notify.map((c) => c.id).join(', ') || 'none'})`);
  }
  for (const warning of notifyWarnings(config, process.env)) output.err(`${warning}\n`);

  if (values['retry-dead'] || values.send) {
    const runtime = openRuntime({ configFile: values.config, dataDir: values.data, log: (line) => output.err(`${line}\n`) });
    try {
      if (values['retry-dead']) {
        const requeued = runtime.store.deliveries.requeueDead(runtime.now().toISOString(), channel);
        output.err(
          `notify: ${requeued} dead deliver${requeued === 1 ? 'y' : 'ies'} queued again${values.send ? '' : "; they go out on the next refresh, serve's next pass or regwatch notify --send"}\n`,
        );
      }
      if (values.send) output.err(`${formatNotifyReport(await runtime.notifier.sendDue({ budgetMs: SEND_BUDGET_MS }))}\n`);
      return show(runtime.store);
    } finally {
      await runtime.close();
    }
  }

  const dataDir = dataDirOf(values.data);
  const store = await openStoreForReading(dataDir);
  if (store === null) {
    output.err(`notify: no database in ${dataDir} yet: nothing has been queued\n`);
    return show(null);
  }
  try {
    return show(store);
  } finally {
    store.close();
  }

  function show(store: Store | null): number {
    return namingDatabaseProblems(store?.path ?? '', () => {
      const statuses = channelStatuses(config.notify, store?.deliveries.countsByChannel() ?? []).filter((s) => channel === undefined || s.id === channel);
      const listed = (wanted: DeliveryState) => store?.deliveries.list({ state: wanted, ...(channel ? { channelId: channel } : {}), limit: last }) ?? [];
      if (format === 'json') {
        const deliveries = state === undefined ? [...listed('dead'), ...listed('pending')] : listed(state);
        output.out(`${jsonForTerminal({ channels: statuses, deliveries })}\n`);
      } else {
        const sections = [formatChannelStatuses(statuses)];
        for (const wanted of state === undefined ? (['dead', 'pending'] as const) : [state]) {
          const deliveries = listed(wanted);
          if (deliveries.length > 0 || state !== undefined) sections.push(formatDeliveries(wanted, deliveries));
        }
        output.out(sections.join('\n'));
      }
      return statuses.some((s) => s.dead > 0) ? EXIT.deadDeliveries : EXIT.ok;
    });
  }
}
