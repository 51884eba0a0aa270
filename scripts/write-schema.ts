import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { changesJsonSchemaText } from '../src/publish/changes-schema.js';

// Regenerates schema/changes.schema.json (committed); test/publish-schema.test.ts fails when it is stale.
const target = fileURLToPath(new URL('../schema/changes.schema.json', import.meta.url));
writeFileSync(target, changesJsonSchemaText());
console.log(`wrote ${target}`);
