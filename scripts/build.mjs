// Builds dist/ from src/ and watchers/, starting from an empty dist/ so that no compiled file of a
// deleted source is ever packed: TypeScript compiles (tsconfig.build.json, type errors fail the
// build) into dist/.tsc/, then esbuild links that output into a few files, and dist/.tsc/ goes.
//
//   node scripts/build.mjs                 prepack, npm run build: fails without TypeScript or esbuild
//   node scripts/build.mjs --if-possible   prepare (npm install / npm ci in a checkout): builds when
//                                          both are installed; under `npm ci --omit=dev` it says
//                                          so and leaves dist/ as it is; under npm pack it leaves the
//                                          build to prepack.
//
// Why link: a command loaded ~230 ES modules (zod's 95 among them) one by one, about 150 ms of
// every refresh. Linked, dist/src/cli/main.js is the CLI and its lazy parts stay lazy: each command
// and each kind's extractor is a dynamic import(), which code splitting keeps a chunk of its own
// (dist/src/chunks/), loaded only when reached. Left in node_modules: better-sqlite3 (a native
// module), node-cron (it finds its own daemon file beside itself), undici (one copy for the
// fetcher, the notifications and cheerio's index, which imports it), and what the code requires on
// first use through createRequire (saxes, diff, nodemailer).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ifPossible = process.argv.includes('--if-possible');

if (ifPossible && ['pack', 'publish'].includes(process.env.npm_command ?? '')) process.exit(0);

const require = createRequire(join(root, 'package.json'));
const tsc = devTool('TypeScript', 'typescript/bin/tsc');
const esbuild = devTool('esbuild', 'esbuild');

const dist = join(root, 'dist');
// Inside dist/ so that the source maps TypeScript writes point at src/ as they will from dist/.
const compiled = join(dist, '.tsc');
rmSync(dist, { recursive: true, force: true });
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', compiled], { stdio: 'inherit' });
if (run.status !== 0) {
  rmSync(compiled, { recursive: true, force: true });
  process.exit(run.status ?? 1);
}

try {
  await require(esbuild).build({
    absWorkingDir: root,
    entryPoints: { 'src/cli/main': join(compiled, 'src/cli/main.js') },
    outdir: dist,
    chunkNames: 'src/chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3', 'node-cron', 'undici'],
    // The CommonJS packages linked in (ipaddr.js, iconv-lite, …) require Node's own modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
    sourcemap: true,
    logLevel: 'warning',
  });
} catch {
  process.exitCode = 1; // esbuild has printed why (process.exit here would skip the clean-up below)
} finally {
  rmSync(compiled, { recursive: true, force: true });
}

function devTool(name, id) {
  try {
    return require.resolve(id);
  } catch {
    if (ifPossible) {
      console.warn(`regwatch: ${name} is not installed (devDependencies omitted): dist/ was not rebuilt.`);
      process.exit(0);
    }
    console.error(`regwatch: cannot build dist/: ${name} is not installed (run npm install with devDependencies).`);
    process.exit(1);
  }
}
