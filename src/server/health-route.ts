import type { Config } from '../config/index.js';
import type { Store } from '../store/store.js';
import { sourceReports } from '../pipeline/source-reports.js';
import type { RefreshRunner, RunRecord } from './refresh-runner.js';
import type { Schedule } from './scheduler.js';
import { channelStatuses, healthChannel } from '../notify/channel-status.js';

// /healthz: for a monitor and a person. 200 while the server answers; `status` says whether every
// source is being read (`degraded` when one has failed degradedAfter checks in a row); `notify`
// counts the deliveries waiting and those given up (dead), per channel, naming no target.

export interface Health {
  status: 'ok' | 'degraded';
  now: string;
  schedule: { cron: string; timezone: string; nextRun: string | null };
  refreshing: RunRecord | null;
  /** The last run this server started (null after a restart). */
  lastRun: RunRecord | null;
  /** The newest run in the database, whoever started it; an unfinished one was killed or is running. */
  lastRecordedRun: ReturnType<Store['lastRun']>;
  manualRefresh: boolean;
  sources: Array<{
    id: string;
    state: string;
    lastVerdict: string | null;
    lastDetail: string | null;
    lastCheckedAt: string | null;
    lastGoodCheckAt: string | null;
    lastChangeAt: string | null;
    consecutiveFailures: number;
  }>;
  notify: { pending: number; dead: number; channels: Array<ReturnType<typeof healthChannel>> };
}

export function health(deps: { config: Config; store: Store; runner: RefreshRunner; schedule: Schedule; now: () => Date }): Health {
  const sources = sourceReports(deps.store, deps.config).map((r) => ({
    id: r.id,
    state: r.state,
    lastVerdict: r.lastVerdict,
    lastDetail: r.lastDetail,
    lastCheckedAt: r.lastCheckedAt,
    lastGoodCheckAt: r.lastGoodCheckAt,
    lastChangeAt: r.lastChangeAt,
    consecutiveFailures: r.consecutiveFailures,
  }));
  const channels = channelStatuses(deps.config.notify, deps.store.deliveries.countsByChannel());
  return {
    status: sources.some((s) => s.state === 'degraded') ? 'degraded' : 'ok',
    now: deps.now().toISOString(),
    schedule: { cron: deps.schedule.cron, timezone: deps.schedule.timezone, nextRun: deps.schedule.nextRun()?.toISOString() ?? null },
    refreshing: deps.runner.current(),
    lastRun: deps.runner.last(),
    lastRecordedRun: deps.store.lastRun(),
    manualRefresh: deps.config.refreshToken !== undefined,
    sources,
    notify: { pending: channels.reduce((n, c) => n + c.pending, 0), dead: channels.reduce((n, c) => n + c.dead, 0), channels: channels.map(healthChannel) },
  };
}
