import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Recorded real pages live in ../shared/fixtures (never copied here: they carry copyrighted
// abstracts). Tests that need them use `describeWithFixtures`, which skips with a message when the
// folder is absent.

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = process.env.REGWATCH_FIXTURES ?? resolve(here, '../../shared/fixtures');
export const fixturesPresent = existsSync(join(FIXTURES_DIR, 'manifest.json'));
export const FIXTURES_MISSING_MESSAGE = `recorded pages not found at ${FIXTURES_DIR} (set REGWATCH_FIXTURES or put ../shared beside the checkout): skipping`;

if (!fixturesPresent) console.warn(FIXTURES_MISSING_MESSAGE);

export interface ManifestRow {
  group: string;
  file: string;
  dir: string;
  url: string;
  recorded: string;
  change: string;
  metadata: {
    reference?: string;
    status?: string;
    stage?: string;
    edition?: string;
    publicationDate?: string | null;
    pages?: string | null;
  };
}

export function manifest(): ManifestRow[] {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'manifest.json'), 'utf8')) as ManifestRow[];
}

export function fixturePath(dir: string, file: string): string {
  return join(FIXTURES_DIR, dir, file);
}

export function readFixture(dir: string, file: string): string {
  return readFileSync(fixturePath(dir, file), 'utf8');
}

/** iso-pages rows of the manifest, in recording order within each group. */
export function isoPageRows(): ManifestRow[] {
  return manifest().filter((row) => row.dir === 'iso-pages');
}
