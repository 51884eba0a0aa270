import type { HostStateStore } from './host-state.js';

// Politeness per host: one request at a time, a minimum interval between them, and the host's own
// "not before" (Retry-After, kept in the store so a later run honours it too). Different hosts never
// wait for each other.

export interface HostGateOptions {
  intervalMs: number;
  /** A not-before further away than this is not waited for: the caller reports it instead. */
  maxWaitMs: number;
  store: Pick<HostStateStore, 'getNotBefore'>;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type GateOutcome<T> = { kind: 'ran'; value: T } | { kind: 'not-before'; until: number };

export interface HostGate {
  run<T>(host: string, task: () => Promise<T>, signal?: AbortSignal): Promise<GateOutcome<T>>;
}

export function createHostGate(options: HostGateOptions): HostGate {
  const tails = new Map<string, Promise<void>>();
  /** When the last response from each host finished: the interval runs from there. */
  const lastDone = new Map<string, number>();

  return {
    async run(host, task, signal) {
      const previous = tails.get(host) ?? Promise.resolve();
      let release = (): void => {};
      const mine = new Promise<void>((resolve) => (release = resolve));
      const tail = previous.then(() => mine);
      tails.set(host, tail);
      try {
        await previous;
        const now = options.now();
        const notBefore = options.store.getNotBefore(host) ?? 0;
        if (notBefore - now > options.maxWaitMs) return { kind: 'not-before', until: notBefore };
        const last = lastDone.get(host);
        const earliest = Math.max(notBefore, last === undefined ? 0 : last + options.intervalMs);
        if (earliest > now) await options.sleep(earliest - now, signal);
        try {
          return { kind: 'ran', value: await task() };
        } finally {
          lastDone.set(host, options.now());
        }
      } finally {
        release();
        if (tails.get(host) === tail) tails.delete(host);
      }
    },
  };
}
