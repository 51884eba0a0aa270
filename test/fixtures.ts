import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { underCI } from './ci.js';

// Recorded real pages live in ../shared/fixtures (never copied here: they carry copyrighted
// abstracts). Tests that need them use `describeWithFixtures`: where the folder is absent it skips
// with a message on a developer machine and fails under CI, so CI can never pass by skipping.

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = process.env.REGWATCH_FIXTURES ?? resolve(here, '../../shared/fixtures');
export const fixturesPresent = existsSync(join(FIXTURES_DIR, 'manifest.json'));
const WHERE = `recorded pages not found at ${FIXTURES_DIR} (put ../shared beside the checkout, or set REGWATCH_FIXTURES)`;
export const FIXTURES_MISSING_MESSAGE = underCI
  ? `${WHERE}: CI is set, so missing fixtures are a failure`
  : `${WHERE}: skipping (set CI=1 to make this a failure)`;

if (!fixturesPresent) console.warn(FIXTURES_MISSING_MESSAGE);

/**
 * `describe` for tests on the recorded pages. `body` runs only when they are present, so it may read
 * them while collecting its tests (tables of rows).
 */
export function describeWithFixtures(name: string, body: () => void): void {
  if (fixturesPresent) {
    describe(name, body);
  } else if (underCI) {
    describe(name, () => {
      it('has the recorded pages', () => {
        throw new Error(FIXTURES_MISSING_MESSAGE);
      });
    });
  } else {
    describe(name, () => it.skip(FIXTURES_MISSING_MESSAGE, () => {}));
  }
}

/**
 * A table test over fixture rows runs one test per row, so an empty or shrunken manifest would
 * silently run fewer (or none): this adds the test that says how many rows there must be.
 */
export function itHasRows(what: string, rows: readonly unknown[], atLeast: number): void {
  it(`has at least ${atLeast} ${what}`, () => {
    expect(rows.length).toBeGreaterThanOrEqual(atLeast);
  });
}

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

/** A row of iec/manifest.json or cen/manifest.json: the same schema plus the fields below. */
export interface PublisherManifestRow extends Omit<ManifestRow, 'metadata'> {
  abstract: boolean;
  era: string;
  httpStatus: number;
  sha256: string;
  /** The page's words; `kind` and `error` say what the page is when it is not a document's page. */
  metadata: { kind?: string; error?: string | null } & Record<string, unknown>;
}

export function manifest(): ManifestRow[] {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'manifest.json'), 'utf8')) as ManifestRow[];
}

export function publisherManifest(dir: 'iec' | 'cen'): PublisherManifestRow[] {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, dir, 'manifest.json'), 'utf8')) as PublisherManifestRow[];
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
