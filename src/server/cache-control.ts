// How long a reader may reuse a feed without asking: at most a minute, so that a manual refresh
// (POST /refresh, a refresh from a terminal) shows within a minute; less when the next scheduled
// refresh is sooner. Asking again is cheap: the ETag answers 304.

const MAX_SECONDS = 60;

export function feedMaxAge(now: Date, nextRun: Date | null): number {
  if (nextRun === null) return MAX_SECONDS;
  const seconds = Math.ceil((nextRun.getTime() - now.getTime()) / 1000);
  return Math.min(MAX_SECONDS, Math.max(1, seconds));
}

export function feedCacheControl(now: Date, nextRun: Date | null): string {
  return `public, max-age=${feedMaxAge(now, nextRun)}`;
}
