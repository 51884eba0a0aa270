import type { Notifier } from '../notify/notifier.js';

// serve sends due notifications on a timer as well as after each refresh, so a retry falls due
// without waiting for the next scheduled refresh. One pass at a time; stopping aborts the pass
// under way (what it did not record stays due) and waits for it.

export interface SendTimer {
  stop(): Promise<void>;
}

export function startSendTimer(options: { notifier: Notifier; intervalMs: number; budgetMs: number; log: (line: string) => void }): SendTimer {
  const controller = new AbortController();
  let running: Promise<void> | null = null;
  const tick = (): void => {
    if (running !== null) return;
    running = options.notifier
      .sendDue({ budgetMs: options.budgetMs, signal: controller.signal })
      .then((report) => {
        if (report.sent + report.retrying + report.dead > 0) {
          options.log(`notify: ${report.sent} sent, ${report.retrying} to retry, ${report.dead} given up, ${report.left} left for a later pass`);
        }
      })
      // A pass that throws (a damaged database, a bug) must not become an unhandled rejection
      // that stops the server; the next tick tries again.
      .catch((error: unknown) => options.log(`notify: the pass failed: ${(error as Error).stack ?? String(error)}`))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      controller.abort();
      await running;
    },
  };
}
