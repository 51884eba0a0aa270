import type * as z from 'zod';
import { itemSchema, type Item } from '../model/item.js';
import { PublishError } from './publish-error.js';
import { sanitizeDeep } from './sanitize.js';
import { publishableUri } from './uri.js';

declare const checked: unique symbol;
/** An item publishableItems returned: checked against itemSchema and rebuilt in its key order. */
export type PublishableItem = Item & { readonly [checked]: true };

/**
 * Items as every output will carry them: strings made XML-safe, then each checked against the
 * Item contract (the licence guard: no text longer than the schema allows is ever published).
 * One bad item refuses the whole publish rather than silently dropping a change.
 */
export function publishableItems(items: readonly Item[]): PublishableItem[] {
  const seen = new Set<string>();
  return items.map((raw, index) => {
    const result = itemSchema.safeParse(withPublishableUris(sanitizeDeep(raw)));
    const label = `items[${index}]${typeof raw?.id === 'string' ? ` (${raw.id})` : ''}`;
    if (!result.success) throw new PublishError(`${label} is not a valid item: ${describeIssue(result.error.issues[0])}`);
    if (seen.has(result.data.id)) throw new PublishError(`${label} repeats an id already published in this feed`);
    seen.add(result.data.id);
    return result.data as PublishableItem;
  });
}

// Only the URL fields; a malformed item is left for the schema to name.
function withPublishableUris(item: Item): Item {
  if (item === null || typeof item !== 'object') return item;
  const provenance = (p: Item['provenance']) => (p && typeof p.url === 'string' ? { ...p, url: publishableUri(p.url) } : p);
  const out: Item = { ...item, provenance: provenance(item.provenance) };
  if (item.document && typeof item.document.url === 'string') out.document = { ...item.document, url: publishableUri(item.document.url) };
  if (Array.isArray(item.alsoSeenBy))
    out.alsoSeenBy = item.alsoSeenBy.map((seen) => (seen && typeof seen === 'object' ? { ...seen, provenance: provenance(seen.provenance) } : seen));
  if (item.licence && typeof item.licence.uri === 'string') out.licence = { ...item.licence, uri: publishableUri(item.licence.uri) };
  return out;
}

export function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'invalid';
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${path || '(root)'}: ${issue.message}`;
}
