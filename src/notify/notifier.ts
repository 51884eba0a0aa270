import type { Config } from '../config/index.js';
import { createAgent } from '../fetch/http-client.js';
import { sourcesOf, type Item } from '../model/item.js';
import { FEED_FILES } from '../publish/published-files.js';
import { changedFeedTopics, pingHub } from '../publish/websub.js';
import type { Store } from '../store/store.js';
import { createEmailTransport } from './email.js';
import { redactedTarget } from './http-post.js';
import type { Env } from './secrets.js';
import { sendDueDeliveries, type SendReport, type SenderDeps } from './sender.js';

// What a refresh does after publishing, and serve on a timer: ping the WebSub hub for the feeds
// that changed, and send the deliveries that are due. Both within a short budget, so a channel or
// a hub that is down never slows a refresh noticeably: what the budget does not reach is sent by
// a later pass (serve's timer, the next refresh, `regwatch notify --send`). Never throws.

export interface NotifierDeps {
  config: Pick<Config, 'notify' | 'notifyMaxAttempts' | 'publicUrl' | 'allowPrivateNetwork' | 'websubHub'>;
  store: Pick<Store, 'deliveries' | 'itemsById'>;
  env: Env;
  userAgent: string;
  now(): Date;
  random(): number;
  log?(line: string): void;
  /** Tests: an SMTP transport of their own making. */
  emailTransport?: SenderDeps['emailTransport'];
}

export interface NotifyReport extends SendReport {
  /** Topics the hub was told of, and those it refused or did not answer. */
  pinged: number;
  pingFailed: number;
}

export interface Notifier {
  readonly enabled: boolean;
  /** After a refresh's publish: `written` are the files it rewrote, `created` the items it stored. */
  afterPublish(
    published: { written: readonly string[] },
    created: readonly Item[],
    options?: { signal?: AbortSignal; afterSend?: (key: string) => void },
  ): Promise<NotifyReport>;
  /** One pass over the outbox (serve's timer, `regwatch notify --send`). */
  sendDue(options: { budgetMs: number; signal?: AbortSignal }): Promise<NotifyReport>;
}

/** A refresh's whole notification step: hub pings and sends together. */
export const AFTER_REFRESH_BUDGET_MS = 5_000;

const TIMEOUTS = { connectMs: 5_000, headersMs: 10_000, bodyMs: 10_000, totalMs: 15_000 };

export function createNotifier(deps: NotifierDeps): Notifier {
  const none = (): NotifyReport => ({ sent: 0, retrying: 0, dead: 0, left: 0, pinged: 0, pingFailed: 0 });
  const enabled = deps.config.notify.length > 0 || deps.config.websubHub !== undefined;

  async function withAgent(run: (senderDeps: SenderDeps) => Promise<NotifyReport>): Promise<NotifyReport> {
    const agent = createAgent({ timeouts: TIMEOUTS, allowPrivateNetwork: deps.config.allowPrivateNetwork });
    try {
      return await run({
        store: deps.store,
        channels: deps.config.notify,
        env: deps.env,
        publicUrl: deps.config.publicUrl,
        allowPrivateNetwork: deps.config.allowPrivateNetwork,
        maxAttempts: deps.config.notifyMaxAttempts,
        userAgent: deps.userAgent,
        dispatcher: agent,
        emailTransport: deps.emailTransport ?? ((channel, password, timeoutMs) => createEmailTransport(channel, password, { timeoutMs })),
        now: deps.now,
        random: deps.random,
        ...(deps.log ? { log: deps.log } : {}),
      });
    } catch (error) {
      // A bug or a storage error here must not fail a refresh that has published: the deliveries
      // stay pending (or claimed, until the claim runs out) and go out on a later pass.
      deps.log?.(`notify: internal error: ${(error as Error).stack ?? String(error)}`);
      return none();
    } finally {
      await agent.destroy();
    }
  }

  return {
    enabled,
    async afterPublish(published, created, options = {}) {
      if (!enabled) return none();
      return withAgent(async (senderDeps) => {
        const budget = AbortSignal.timeout(AFTER_REFRESH_BUDGET_MS);
        const signal = options.signal === undefined ? budget : AbortSignal.any([budget, options.signal]);
        const started = Date.now();
        const report = none();
        const hub = deps.config.websubHub;
        if (hub !== undefined) {
          const topics = hubTopics(deps.config.publicUrl, published.written, created);
          const pings = await pingHub(hub, topics, { dispatcher: senderDeps.dispatcher, userAgent: deps.userAgent, now: () => deps.now().getTime(), signal });
          for (const ping of pings) {
            if (ping.outcome.ok) report.pinged += 1;
            else {
              report.pingFailed += 1;
              deps.log?.(`websub: ${redactedTarget(hub)} was not told of ${ping.topic}: ${ping.outcome.reason}`);
            }
          }
        }
        const budgetMs = Math.max(0, AFTER_REFRESH_BUDGET_MS - (Date.now() - started));
        const sent = await sendDueDeliveries(
          { ...senderDeps, ...(options.afterSend ? { afterSend: options.afterSend } : {}) },
          { budgetMs, ...(options.signal ? { signal: options.signal } : {}) },
        );
        return { ...report, ...sent };
      });
    },
    async sendDue(options) {
      if (deps.config.notify.length === 0) return none();
      return withAgent(async (senderDeps) => ({ ...none(), ...(await sendDueDeliveries(senderDeps, options)) }));
    },
  };
}

/**
 * The feeds a publish changed: the published feeds it rewrote, and the feeds of every source that
 * reported one of the new items (served from the store, so they changed with it).
 */
export function hubTopics(publicUrl: string, written: readonly string[], created: readonly Item[]): string[] {
  const sources = [...new Set(created.flatMap(sourcesOf))].sort();
  return [...changedFeedTopics(publicUrl, written), ...sources.flatMap((source) => changedFeedTopics(publicUrl, FEED_FILES, `sources/${source}/`))];
}
