import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCronScheduler } from '../src/server/scheduler.js';

// The next scheduled refresh, which every feed response's Cache-Control reads: worked out once, and
// again only once it is reached.

afterEach(() => vi.useRealTimers());

describe('the scheduler’s next run', () => {
  it('is none until started and after stopping; kept until reached, then the one after', () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(new Date('2026-03-01T05:00:00Z'));
    const scheduler = createCronScheduler({ cron: '0 6 * * *', timezone: 'UTC', run: async () => {} });
    expect(scheduler.nextRun()).toBeNull();
    scheduler.start();
    try {
      const first = scheduler.nextRun();
      expect(first?.toISOString()).toBe('2026-03-01T06:00:00.000Z');
      vi.setSystemTime(new Date('2026-03-01T05:59:59Z'));
      expect(scheduler.nextRun()).toBe(first);
      vi.setSystemTime(new Date('2026-03-01T06:00:00Z'));
      expect(scheduler.nextRun()?.toISOString()).toBe('2026-03-02T06:00:00.000Z');
    } finally {
      scheduler.stop();
    }
    expect(scheduler.nextRun()).toBeNull();
  });
});
