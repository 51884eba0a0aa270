import type { CheckWrite } from '../../src/store/store.js';

// The source state a test's hand-written check stores: a clean, baselined check unless told otherwise.

export function checkState(overrides: Partial<CheckWrite['state']> = {}): CheckWrite['state'] {
  return {
    consecutiveFailures: 0,
    degraded: false,
    lastVerdict: 'changed',
    lastDetail: null,
    lastCode: null,
    lastCheckedAt: null,
    lastGoodAt: null,
    lastChangeAt: null,
    etag: null,
    lastModified: null,
    baselined: true,
    scope: null,
    watcherVersion: '1',
    ...overrides,
  };
}
