import { changesFileSchema, type Item } from '../model/item.js';
import { PublishError } from './publish-error.js';
import { describeIssue } from './validate-items.js';

/** changes.json of spec/outputs.md, validated against the same zod schema its JSON Schema comes from. */
export function renderChangesJson(items: Item[], generatedAt: string): string {
  const result = changesFileSchema.safeParse({ version: 1, generatedAt, items });
  if (!result.success) throw new PublishError(`changes.json does not match its schema: ${describeIssue(result.error.issues[0])}`);
  // zod rebuilds objects in schema order, so equal facts always serialise to equal bytes.
  return `${JSON.stringify(result.data, null, 2)}\n`;
}
