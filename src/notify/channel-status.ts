import type { ChannelCounts } from '../store/store.js';
import type { NotifyChannel } from './channel-config.js';
import { describeChannel, type ChannelDescription } from './secrets.js';

// Each channel's outbox at a glance, as `regwatch notify` and `regwatch sources` show it: where it
// goes (never a secret), and how many deliveries wait, went out or were given up. A channel the
// database still owes deliveries to but the config no longer names is listed too. /healthz, which
// anyone may read, shows less (healthChannel): no target, no error text (an SMTP refusal quotes the
// recipients), only the counts and the stable code of the last failure.

export interface ChannelStatus extends Omit<ChannelCounts, 'channelId'> {
  id: string;
  type: ChannelDescription['type'] | null;
  target: string | null;
  configured: boolean;
}

export function channelStatuses(channels: readonly NotifyChannel[], counts: readonly ChannelCounts[]): ChannelStatus[] {
  const countOf = new Map(counts.map((c) => [c.channelId, c]));
  const none = { pending: 0, sent: 0, dead: 0, nextAttemptAt: null, lastError: null, lastCode: null };
  const configured = channels.map((channel): ChannelStatus => {
    const { id, type, target } = describeChannel(channel);
    const c = countOf.get(id);
    return {
      id,
      type,
      target,
      configured: true,
      ...none,
      ...(c && { pending: c.pending, sent: c.sent, dead: c.dead, nextAttemptAt: c.nextAttemptAt, lastError: c.lastError, lastCode: c.lastCode }),
    };
  });
  const known = new Set(channels.map((c) => c.id));
  const orphans = counts
    .filter((c) => !known.has(c.channelId))
    .map((c): ChannelStatus => ({
      id: c.channelId,
      type: null,
      target: null,
      configured: false,
      pending: c.pending,
      sent: c.sent,
      dead: c.dead,
      nextAttemptAt: c.nextAttemptAt,
      lastError: c.lastError,
      lastCode: c.lastCode,
    }));
  return [...configured, ...orphans];
}

/** What /healthz shows of a channel. */
export function healthChannel(
  status: ChannelStatus,
): Pick<ChannelStatus, 'id' | 'type' | 'configured' | 'pending' | 'sent' | 'dead' | 'nextAttemptAt' | 'lastCode'> {
  const { id, type, configured, pending, sent, dead, nextAttemptAt, lastCode } = status;
  return { id, type, configured, pending, sent, dead, nextAttemptAt, lastCode };
}
