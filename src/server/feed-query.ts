import { SEVERITY_ORDER, type Severity } from '../model/item.js';
import { QueryError } from './changes-route.js';

// The query a feed takes: ?min-severity=major gives the items at least that severe (critical and
// major), for readers that only want what matters. Anything else is named and refused (400), as
// /changes.json does: a parameter silently ignored looks like a filter that works.

export function parseFeedQuery(params: URLSearchParams): { minSeverity?: Severity } {
  let minSeverity: Severity | undefined;
  for (const [name, value] of params) {
    if (name !== 'min-severity') throw new QueryError(name, 'is not a parameter of the feeds (min-severity)');
    if (minSeverity !== undefined) throw new QueryError(name, 'is given more than once');
    if (!(SEVERITY_ORDER as readonly string[]).includes(value)) throw new QueryError(name, `must be one of ${SEVERITY_ORDER.join(', ')}`);
    minSeverity = value as Severity;
  }
  return minSeverity === undefined ? {} : { minSeverity };
}
