import * as z from 'zod';
import { changesFileSchema } from '../model/item.js';

/**
 * The JSON Schema of changes.json, generated from the zod schema the publisher validates with, so a
 * consumer validates exactly what we do (spec/outputs.md). Refinements zod cannot express in JSON
 * Schema (a reference is a single trimmed line) are checked on our side only.
 */
export function changesJsonSchemaText(): string {
  const schema = z.toJSONSchema(changesFileSchema, { target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, title: 'regwatch changes.json' }, null, 2)}\n`;
}
