// Builds dist/ from src/ and watchers/ (tsconfig.build.json), starting from an empty dist/ so that
// no compiled file of a deleted source is ever packed.
//
//   node scripts/build.mjs                 prepack, npm run build: fails without TypeScript
//   node scripts/build.mjs --if-possible   prepare (npm install / npm ci in a checkout): builds when
//                                          TypeScript is installed; under `npm ci --omit=dev` it says
//                                          so and leaves dist/ as it is; under npm pack it leaves the
//                                          build to prepack.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ifPossible = process.argv.includes('--if-possible');

if (ifPossible && ['pack', 'publish'].includes(process.env.npm_command ?? '')) process.exit(0);

let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  if (ifPossible) {
    console.warn('regwatch: TypeScript is not installed (devDependencies omitted): dist/ was not rebuilt.');
    process.exit(0);
  }
  console.error('regwatch: cannot build dist/: TypeScript is not installed (run npm install with devDependencies).');
  process.exit(1);
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
process.exit(run.status ?? 1);
