import type { ChannelStatus } from '../notify/channel-status.js';
import type { NotifyReport } from '../notify/notifier.js';
import type { Delivery, DeliveryState } from '../store/store.js';
import { visibleControls } from './terminal-text.js';
import { textTable } from './text-table.js';

// What `regwatch notify`, `regwatch sources` and a refresh say about notifications.

/** One line after a refresh or a send pass: what went out, what waits, what was given up. */
export function formatNotifyReport(report: NotifyReport): string {
  const parts = [`${report.sent} sent`];
  if (report.retrying > 0) parts.push(`${report.retrying} to retry`);
  if (report.left > 0) parts.push(`${report.left} left for a later pass`);
  if (report.dead > 0) parts.push(`${report.dead} given up (see regwatch notify)`);
  if (report.pinged + report.pingFailed > 0)
    parts.push(`WebSub hub told of ${report.pinged} feed(s)${report.pingFailed > 0 ? `, ${report.pingFailed} ping(s) failed` : ''}`);
  return `notify: ${parts.join(', ')}`;
}

/** `regwatch notify` and `regwatch sources`: one line per channel. */
export function formatChannelStatuses(statuses: readonly ChannelStatus[]): string {
  if (statuses.length === 0) return 'No notification channels (the config has no notify list).\n';
  const header = ['Channel', 'Type', 'Pending', 'Dead', 'Sent', 'Next attempt', 'Target, last error'];
  const rows = statuses.map((s) =>
    [
      s.id,
      s.type ?? '(not in the config)',
      String(s.pending),
      String(s.dead),
      String(s.sent),
      s.nextAttemptAt ?? '-',
      [s.target, s.lastError].filter((t) => t !== null).join('; '),
    ].map(visibleControls),
  );
  return textTable(header, rows);
}

const STATE_TITLES: Record<DeliveryState, string> = {
  dead: 'Dead deliveries (given up; regwatch notify --retry-dead queues them again):',
  pending: 'Pending deliveries:',
  sent: 'Sent deliveries:',
};

/** Deliveries of one state, newest first, with why an attempt failed. */
export function formatDeliveries(state: DeliveryState, deliveries: readonly Delivery[]): string {
  if (deliveries.length === 0) return `${STATE_TITLES[state]} none\n`;
  // A sent delivery keeps the error of an attempt before the one that went through.
  const header = [
    'Channel',
    'Delivery',
    'Items',
    'Attempts',
    state === 'pending' ? 'Next attempt' : 'Last attempt',
    state === 'sent' ? 'Earlier error' : 'Last error',
  ];
  const rows = deliveries.map((d) =>
    [d.channelId, d.key, String(d.itemIds.length), String(d.attempts), (state === 'pending' ? d.nextAttemptAt : d.lastAttemptAt) ?? '-', errorText(d)].map(
      visibleControls,
    ),
  );
  return `${STATE_TITLES[state]}\n${textTable(header, rows)}`;
}

/** A dead delivery queued again (--retry-dead) starts at 0 attempts: its error is from before. */
function errorText(delivery: Delivery): string {
  if (delivery.lastError === null) return '';
  return delivery.state === 'pending' && delivery.attempts === 0 ? `before it was queued again: ${delivery.lastError}` : delivery.lastError;
}
