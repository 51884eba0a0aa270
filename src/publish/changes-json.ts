import type { ChangesFile } from '../model/item.js';
import type { PublishableItem } from './validate-items.js';

/**
 * changes.json of spec/outputs.md. Its items are publishableItems' output: each one checked against
 * itemSchema and rebuilt in the schema's key order, so the file is what changesFileSchema (and the
 * JSON Schema made from it) describes by construction, and equal facts give equal bytes. It is not
 * parsed again: that was a third zod pass over every item of every publish
 * (test/publish-schema.test.ts checks the file against both schemas).
 */
export function renderChangesJson(items: PublishableItem[], generatedAt: string): string {
  const file: ChangesFile = { version: 1, generatedAt, items };
  return `${JSON.stringify(file, null, 2)}\n`;
}
