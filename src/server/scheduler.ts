import cron from 'node-cron';

// Scheduled refreshes with node-cron. Overlap is prevented twice: node-cron's noOverlap skips a
// tick while the previous task is still running, and the refresh runner refuses a refresh while any
// other (a manual one, or a CLI refresh holding the lock) runs.

export interface Schedule {
  readonly cron: string;
  readonly timezone: string;
  /** The next scheduled refresh, or null when the scheduler is not running. */
  nextRun(): Date | null;
}

export interface Scheduler extends Schedule {
  start(): void;
  stop(): void;
}

/** A message naming the bad value, or null when both are usable. */
export function scheduleProblem(expression: string, timezone: string): string | null {
  const validation = cron.validateDetailed(expression);
  if (!validation.valid) {
    const why = validation.errors.map((e) => e.message).join('; ');
    return `--schedule "${expression}" is not a cron expression (${why || 'expected 5 or 6 fields, e.g. "0 6 * * *"'})`;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    return `--timezone "${timezone}" is not an IANA time zone (e.g. UTC, Europe/Berlin)`;
  }
  return null;
}

export function createCronScheduler(options: { cron: string; timezone: string; run: () => Promise<unknown>; log?: (line: string) => void }): Scheduler {
  const log = options.log ?? (() => {});
  const task = cron.createTask(
    options.cron,
    async () => {
      try {
        await options.run();
      } catch (error) {
        log(`scheduled refresh failed: ${(error as Error).message}`);
      }
    },
    {
      name: 'regwatch-refresh',
      timezone: options.timezone,
      noOverlap: true,
      logger: { info: log, warn: log, error: (m) => log(String(m)), debug: () => {} },
    },
  );
  task.on('execution:overlap', () => log('scheduled refresh skipped: the previous one is still running'));
  let started = false;
  // Every feed response's Cache-Control reads it, and node-cron works it out from the calendar
  // (a third of a request's time under load): it cannot move before it is reached, so it is kept until then.
  let next: Date | null = null;
  return {
    cron: options.cron,
    timezone: options.timezone,
    nextRun: () => {
      if (!started) return null;
      if (next === null || Date.now() >= next.getTime()) next = task.getNextRuns(1)[0] ?? null;
      return next;
    },
    start() {
      started = true;
      next = null;
      void task.start();
    },
    stop() {
      started = false;
      next = null;
      void task.destroy();
    },
  };
}
