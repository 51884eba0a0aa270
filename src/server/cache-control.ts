// How long a reader may reuse a feed without asking: until the next scheduled refresh could change
// it. A manual refresh in between is caught by the ETag on the reader's next poll.

const MIN_SECONDS = 60;
const MAX_SECONDS = 86_400;
const UNSCHEDULED_SECONDS = 300;

export function feedMaxAge(now: Date, nextRun: Date | null): number {
  if (nextRun === null) return UNSCHEDULED_SECONDS;
  const seconds = Math.ceil((nextRun.getTime() - now.getTime()) / 1000);
  return Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, seconds));
}

export function feedCacheControl(now: Date, nextRun: Date | null): string {
  return `public, max-age=${feedMaxAge(now, nextRun)}`;
}
