import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { renderOutputs } from '../src/publish/index.js';
import { changesJsonSchemaText } from '../src/publish/changes-schema.js';
import { changesFileSchema } from '../src/model/item.js';
import { REALISTIC_ITEMS, hostileItem, longestItem, realisticInput } from './publish-items.js';

// schema/changes.schema.json is what consumers validate changes.json with (spec/outputs.md).

const committed = readFileSync(new URL('../schema/changes.schema.json', import.meta.url), 'utf8');

function consumerValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return { ajv, validate: ajv.compile(JSON.parse(committed)) };
}

describe('schema/changes.schema.json', () => {
  it('is up to date with the zod schema (regenerate: npx tsx scripts/write-schema.ts)', () => {
    expect(committed).toBe(changesJsonSchemaText());
  });

  it('validates a rendered changes.json, hostile and maximal items included, as a consumer would', () => {
    const { ajv, validate } = consumerValidator();
    const files = renderOutputs(realisticInput({ items: [longestItem(), hostileItem(1), ...REALISTIC_ITEMS] }));
    const changes = JSON.parse(files.get('changes.json')!);
    expect(validate(changes), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('describes changes.json as rendered: the very bytes changesFileSchema rebuilds (the file is built from checked items, not parsed again)', () => {
    const text = renderOutputs(realisticInput({ items: [longestItem(), hostileItem(1), ...REALISTIC_ITEMS] })).get('changes.json')!;
    expect(`${JSON.stringify(changesFileSchema.parse(JSON.parse(text)), null, 2)}\n`).toBe(text);
  });

  it('rejects what the contract forbids: an unknown severity, an extra field, a missing licence', () => {
    const { validate } = consumerValidator();
    const changes = JSON.parse(renderOutputs(realisticInput()).get('changes.json')!);
    const first = changes.items[0];
    expect(validate({ ...changes, items: [{ ...first, severity: 'catastrophic' }] })).toBe(false);
    expect(validate({ ...changes, items: [{ ...first, abstract: 'paywalled text' }] })).toBe(false);
    const { licence: _licence, ...unlicensed } = first;
    expect(validate({ ...changes, items: [unlicensed] })).toBe(false);
    expect(validate({ ...changes, version: 2 })).toBe(false);
  });

  it('validates a page served for /changes.json?… with its nextCursor (a number, null on the last page), and nothing else there', () => {
    const { ajv, validate } = consumerValidator();
    const changes = JSON.parse(renderOutputs(realisticInput()).get('changes.json')!);
    for (const nextCursor of [17, null]) expect(validate({ ...changes, nextCursor }), ajv.errorsText(validate.errors)).toBe(true);
    for (const nextCursor of ['17', 0, 1.5]) expect(validate({ ...changes, nextCursor })).toBe(false);
  });
});
