import type { Transporter } from 'nodemailer';
import type { Dispatcher } from 'undici';
import type { Item } from '../model/item.js';
import type { Delivery, Store } from '../store/store.js';
import type { EmailChannel, NotifyChannel } from './channel-config.js';
import { messagesFor, send, type Outbound } from './index.js';
import { NotifyError, type DeliveryOutcome } from './outcome.js';
import { nextStep, NOTIFY_BACKOFF } from './retry-policy.js';
import { smtpPassword, type Env, missingSecrets } from './secrets.js';

// The outbox's sender: claims the deliveries that are due, rebuilds each message from its items
// (messagesFor is deterministic: same bytes, same signature, same X-Regwatch-Delivery), sends it,
// and records the outcome: sent, retry at a time (backoff with jitter, or the receiver's
// Retry-After), or dead after maxAttempts. At least once: a process killed between the send and
// the record leaves the delivery pending, and it goes again later with the same key.
//
// A pass is bounded by its budget: channels are served side by side, each channel's deliveries in
// order; a channel that fails (down, rate limited) is left for a later pass after one attempt, and
// whatever the budget does not reach stays due. Nothing here throws for a delivery problem.

export interface SenderDeps {
  store: Pick<Store, 'deliveries' | 'itemsById'>;
  channels: readonly NotifyChannel[];
  env: Env;
  publicUrl: string;
  allowPrivateNetwork: boolean;
  maxAttempts: number;
  userAgent: string;
  /** The guarded agent (src/fetch/http-client.ts createAgent): loopback and private addresses only with allowPrivateNetwork. */
  dispatcher: Dispatcher;
  emailTransport(channel: EmailChannel, password: string | undefined, timeoutMs: number): Transporter;
  now(): Date;
  random(): number;
  log?(line: string): void;
  /** After an attempt (a message that went out, or failed to), before its outcome is stored: where the crash-safety tests stop the process. */
  afterSend?(key: string): void;
  backoff?: { baseMs: number; capMs: number };
}

export interface PassOptions {
  /** Wall-clock limit of the pass; an attempt it cuts short counts as a timeout. */
  budgetMs: number;
  /** Stops the pass (shutdown): an attempt it cuts short is not counted, its delivery stays due. */
  signal?: AbortSignal;
  /** Deliveries claimed at most. Default 500. */
  limit?: number;
}

export interface SendReport {
  sent: number;
  retrying: number;
  dead: number;
  /** Due, but left for a later pass (the budget ran out, or their channel failed in this pass). */
  left: number;
}

/** Extra time a claim lasts past the budget: long enough for the slowest attempt to be recorded. */
const CLAIM_MARGIN_MS = 60_000;
const SMTP_TIMEOUT_MS = 15_000;

export async function sendDueDeliveries(deps: SenderDeps, options: PassOptions): Promise<SendReport> {
  const report: SendReport = { sent: 0, retrying: 0, dead: 0, left: 0 };
  const channels = new Map(deps.channels.map((c) => [c.id, c]));
  if (channels.size === 0 || options.budgetMs <= 0 || options.signal?.aborted) return report;
  const budget = AbortSignal.timeout(options.budgetMs);
  const signal = options.signal === undefined ? budget : AbortSignal.any([budget, options.signal]);
  const now = deps.now();
  const ready = [...channels.keys()].filter((id) => !waitsForSecrets(channels.get(id)!, now));
  const claimed = deps.store.deliveries.claimDue(
    ready,
    now.toISOString(),
    new Date(now.getTime() + options.budgetMs + CLAIM_MARGIN_MS).toISOString(),
    options.limit ?? 500,
  );
  const byChannel = new Map<string, Delivery[]>();
  const recorded = new Set<number>();
  for (const delivery of claimed) byChannel.set(delivery.channelId, [...(byChannel.get(delivery.channelId) ?? []), delivery]);
  const transports: Transporter[] = [];
  try {
    // One channel's trouble, even a bug, never touches another's deliveries while they are sent.
    const settled = await Promise.allSettled([...byChannel].map(([id, deliveries]) => sendChannel(channels.get(id)!, deliveries)));
    settled.forEach((result, index) => {
      if (result.status === 'fulfilled') return;
      const [id, deliveries] = [...byChannel][index]!;
      deps.log?.(
        `notify: ${id}: this pass stopped on an unexpected error, its deliveries wait for the next one: ${(result.reason as Error)?.stack ?? String(result.reason)}`,
      );
      leave(deliveries.filter((d) => !recorded.has(d.id)));
    });
  } finally {
    for (const transport of transports) transport.close();
  }
  return report;

  /**
   * A secret missing from the environment is the operator's to fix, not the deliveries' fault: they
   * wait, unclaimed and unattempted (no write per pass while it stays unset), and the pass says
   * which variable (never a value) is missing.
   */
  function waitsForSecrets(channel: NotifyChannel, at: Date): boolean {
    const missing = missingSecrets([channel], deps.env, { allowPrivateNetwork: deps.allowPrivateNetwork });
    if (missing.length === 0) return false;
    const due = deps.store.deliveries.countDue([channel.id], at.toISOString())[0]?.due ?? 0;
    if (due > 0) {
      deps.log?.(
        `notify: ${channel.id}: not sent, ${missing.join('; ').replace(/^notify\[0\]\./, '')}; ${due} ${due === 1 ? 'delivery waits' : 'deliveries wait'}`,
      );
    }
    report.left += due;
    return true;
  }

  async function sendChannel(channel: NotifyChannel, deliveries: Delivery[]): Promise<void> {
    let transport: Transporter | undefined;
    const emailTransport = (): Transporter => {
      if (transport === undefined) {
        const email = channel as EmailChannel;
        transport = deps.emailTransport(email, smtpPassword(email, deps.env), Math.min(SMTP_TIMEOUT_MS, options.budgetMs));
        transports.push(transport);
      }
      return transport;
    };
    for (const [index, delivery] of deliveries.entries()) {
      if (signal.aborted) return leave(deliveries.slice(index));
      let outcome = await attempt(channel, delivery, emailTransport);
      if (!outcome.ok && options.signal?.aborted) return leave(deliveries.slice(index));
      deps.afterSend?.(delivery.key);
      if (!outcome.ok && budget.aborted && (outcome.code === 'NOTIFY_NETWORK' || outcome.code === 'NOTIFY_TIMEOUT')) {
        outcome = {
          ...outcome,
          code: 'NOTIFY_TIMEOUT',
          reason: `${outcome.reason} (the notification pass's ${Math.round(options.budgetMs / 1000)} s ran out)`,
        };
      }
      record(channel, delivery, outcome);
      if (!outcome.ok && !outcome.permanent) return leave(deliveries.slice(index + 1));
    }
  }

  async function attempt(channel: NotifyChannel, delivery: Delivery, emailTransport: () => Transporter): Promise<DeliveryOutcome> {
    try {
      const outbound = rebuild(channel, delivery);
      // An SMTP error could quote what it was given: the password is scrubbed from its text.
      const password = channel.type === 'email' ? smtpPassword(channel, deps.env) : undefined;
      return await send(outbound, {
        http: { dispatcher: deps.dispatcher, userAgent: deps.userAgent, now: () => deps.now().getTime(), signal },
        emailTransport,
        ...(password !== undefined ? { secrets: [password] } : {}),
      });
    } catch (error) {
      if (error instanceof NotifyError) return error.toOutcome();
      throw error;
    }
  }

  /** The message as it was owed: the row's items, in its order, whatever the channel's filters say now. */
  function rebuild(channel: NotifyChannel, delivery: Delivery): Outbound {
    const items: Item[] = deps.store.itemsById(delivery.itemIds);
    if (items.length !== delivery.itemIds.length) throw new NotifyError('NOTIFY_BAD_ITEM', `delivery ${delivery.key}: its items are no longer stored`);
    const unfiltered = { ...channel, minSeverity: 'baseline' as const, sources: undefined };
    const outbound = messagesFor(unfiltered, items, { env: deps.env, allowPrivateNetwork: deps.allowPrivateNetwork, publicUrl: deps.publicUrl }).find(
      (m) => m.deliveryId === delivery.key,
    );
    if (outbound === undefined) throw new NotifyError('NOTIFY_BAD_ITEM', `delivery ${delivery.key}: its message cannot be rebuilt with the same key`);
    return outbound;
  }

  function record(channel: NotifyChannel, delivery: Delivery, outcome: DeliveryOutcome): void {
    recorded.add(delivery.id);
    const at = deps.now();
    const step = nextStep(outcome, delivery.attempts + 1, { random: deps.random, maxAttempts: deps.maxAttempts, backoff: deps.backoff ?? NOTIFY_BACKOFF });
    const deliveries = deps.store.deliveries;
    if (step.kind === 'sent') {
      deliveries.markSent(delivery.id, at.toISOString());
      report.sent += 1;
      deps.log?.(`notify: ${channel.id}: sent ${delivery.key}`);
      return;
    }
    const failure = outcome as Extract<DeliveryOutcome, { ok: false }>;
    if (step.kind === 'dead') {
      deliveries.markDead(delivery.id, at.toISOString(), failure.code, step.reason);
      report.dead += 1;
      deps.log?.(`notify: ${channel.id}: gave up ${delivery.key}: ${step.reason}`);
      return;
    }
    const next = new Date(at.getTime() + step.delayMs).toISOString();
    deliveries.markRetry(delivery.id, at.toISOString(), next, failure.code, failure.reason);
    // The receiver asked for a pause: nothing else goes to it before then.
    if (failure.retryAfterMs !== undefined) deliveries.deferChannel(channel.id, next);
    report.retrying += 1;
    deps.log?.(`notify: ${channel.id}: ${delivery.key} failed (attempt ${delivery.attempts + 1} of ${deps.maxAttempts}), next try ${next}: ${failure.reason}`);
  }

  function leave(deliveries: Delivery[]): void {
    for (const delivery of deliveries) deps.store.deliveries.release(delivery.id);
    report.left += deliveries.length;
  }
}
