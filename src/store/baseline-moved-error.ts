import { RegwatchError } from '../model/errors.js';

// Optimistic concurrency on a source's baselines: a check is computed against the baselines it
// read; if another check of the same source was stored in between (two refreshes that both think
// they hold the lock), applying this one would publish the same change twice, or diff against a
// stale baseline. The write is refused whole.

export class BaselineMovedError extends RegwatchError<'REGWATCH_BASELINE_MOVED'> {
  constructor(
    readonly sourceId: string,
    readonly readRevision: number,
    readonly storedRevision: number,
  ) {
    super(
      'REGWATCH_BASELINE_MOVED',
      `store: ${sourceId}: another check of this source was stored since this one read its baselines (revision ${readRevision}, now ${storedRevision}); nothing of this check was written`,
    );
  }
}
