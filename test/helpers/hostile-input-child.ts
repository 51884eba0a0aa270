// Runs the named scenarios of test/hostile-inputs.ts and prints one JSON line per answer.
import { writeSync } from 'node:fs';
import { HOSTILE_INPUTS } from '../hostile-inputs.js';

for (const name of process.argv.slice(2)) {
  const answer = HOSTILE_INPUTS[name]!();
  writeSync(1, `${JSON.stringify({ name, answer: answer ?? null })}\n`);
}
