import type { ChannelCounts } from '../store/store.js';
import type { NotifyChannel } from './channel-config.js';
import { describeChannel, type ChannelDescription } from './secrets.js';

// Each channel's outbox at a glance, as `regwatch notify`, `regwatch sources` and /healthz show it:
// where it goes (never a secret), and how many deliveries wait, went out or were given up. A channel
// the database still owes deliveries to but the config no longer names is listed too.

export interface ChannelStatus {
  id: string;
  type: ChannelDescription['type'] | null;
  target: string | null;
  configured: boolean;
  pending: number;
  sent: number;
  dead: number;
  nextAttemptAt: string | null;
  lastError: string | null;
}

export function channelStatuses(channels: readonly NotifyChannel[], counts: readonly ChannelCounts[]): ChannelStatus[] {
  const countOf = new Map(counts.map((c) => [c.channelId, c]));
  const none = { pending: 0, sent: 0, dead: 0, nextAttemptAt: null, lastError: null };
  const configured = channels.map((channel): ChannelStatus => {
    const { id, type, target } = describeChannel(channel);
    const c = countOf.get(id);
    return { id, type, target, configured: true, ...none, ...(c && { pending: c.pending, sent: c.sent, dead: c.dead, nextAttemptAt: c.nextAttemptAt, lastError: c.lastError }) };
  });
  const known = new Set(channels.map((c) => c.id));
  const orphans = counts
    .filter((c) => !known.has(c.channelId))
    .map((c): ChannelStatus => ({ id: c.channelId, type: null, target: null, configured: false, pending: c.pending, sent: c.sent, dead: c.dead, nextAttemptAt: c.nextAttemptAt, lastError: c.lastError }));
  return [...configured, ...orphans];
}
