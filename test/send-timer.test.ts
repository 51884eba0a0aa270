import { describe, expect, it } from 'vitest';
import type { Notifier, NotifyReport } from '../src/notify/notifier.js';
import { startSendTimer } from '../src/server/send-timer.js';

// serve's timer: a pass at each tick, never two at once, and stopping aborts the pass under way
// and waits for it (the store is closed only after).

const EMPTY: NotifyReport = { sent: 0, retrying: 0, dead: 0, left: 0, pinged: 0, pingFailed: 0 };

describe('the send timer', () => {
  it('runs one pass at a time, and stop() aborts the running pass and waits for it', async () => {
    const passes: Array<{ signal: AbortSignal; finish: () => void }> = [];
    let started!: () => void;
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    const notifier: Notifier = {
      enabled: true,
      afterPublish: async () => EMPTY,
      sendDue: ({ signal }) =>
        new Promise<NotifyReport>((resolve) => {
          passes.push({ signal: signal!, finish: () => resolve({ ...EMPTY, sent: 1 }) });
          started();
          signal!.addEventListener('abort', () => resolve(EMPTY));
        }),
    };
    const lines: string[] = [];
    const timer = startSendTimer({ notifier, intervalMs: 5, budgetMs: 1000, log: (line) => lines.push(line) });
    await firstStarted;
    // Many ticks pass while the first pass hangs: none starts another.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(passes).toHaveLength(1);
    let stopped = false;
    const stopping = timer.stop().then(() => (stopped = true));
    await stopping;
    expect(stopped).toBe(true);
    expect(passes[0]!.signal.aborted).toBe(true);
    expect(lines).toEqual([]);
  });

  it('logs a pass that did something', async () => {
    const lines: string[] = [];
    let calls = 0;
    let done!: () => void;
    const logged = new Promise<void>((resolve) => (done = resolve));
    const notifier: Notifier = {
      enabled: true,
      afterPublish: async () => EMPTY,
      sendDue: async () => {
        calls += 1;
        return calls === 1 ? { ...EMPTY, sent: 2, retrying: 1 } : EMPTY;
      },
    };
    const timer = startSendTimer({
      notifier,
      intervalMs: 5,
      budgetMs: 1000,
      log: (line) => {
        lines.push(line);
        done();
      },
    });
    await logged;
    await timer.stop();
    expect(lines).toEqual(['notify: 2 sent, 1 to retry, 0 given up, 0 left for a later pass']);
  });

  it('logs a pass that throws and keeps ticking', async () => {
    const lines: string[] = [];
    let calls = 0;
    let secondPass!: () => void;
    const passedAgain = new Promise<void>((resolve) => (secondPass = resolve));
    const notifier: Notifier = {
      enabled: true,
      afterPublish: async () => EMPTY,
      sendDue: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database disk image is malformed');
        secondPass();
        return EMPTY;
      },
    };
    const timer = startSendTimer({ notifier, intervalMs: 5, budgetMs: 1000, log: (line) => lines.push(line) });
    await passedAgain;
    await timer.stop();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^notify: the pass failed: Error: database disk image is malformed/);
  });
});
