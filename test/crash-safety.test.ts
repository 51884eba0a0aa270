import { afterAll, beforeAll, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { assertWellFormedXml } from '../src/publish/xml-check.js';
import { parseConfig } from '../src/config/index.js';
import { killedRefresh } from './helpers/killed-refresh.js';
import { openStore } from '../src/store/store.js';
import { refresh } from '../src/pipeline/refresh.js';
import { buildFetcher, databasePath, siteFor } from '../src/runtime/open-runtime.js';
import { changesFileSchema } from '../src/model/item.js';
import { startFixtureServer, type FixtureServer } from './fixture-server.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';

// A refresh killed with SIGKILL at any moment leaves the database and public/ consistent, and the
// next refresh publishes every change exactly once.

const PAGES = [
  { path: '/standard/74197.html', rounds: ['iso-74197-2021-02-11', 'iso-74197-2021-03-18'] },
  { path: '/standard/85870.html', rounds: ['iso-85870-2022-12-01', 'iso-85870-2023-02-03'] },
];
const KILL_POINTS = ['fetch', 'transaction:check', 'transaction:compose', 'compose', 'publish'] as const;

function assertConsistent(dataDir: string): void {
  const db = new Database(databasePath(dataDir), { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
  }
  const publicDir = join(dataDir, 'public');
  if (!existsSync(publicDir)) return;
  for (const file of readdirSync(publicDir)) {
    const text = readFileSync(join(publicDir, file), 'utf8');
    if (file.endsWith('.json')) expect(() => JSON.parse(text), file).not.toThrow();
    else if (file.endsWith('.xml') || file.endsWith('.atom')) expect(() => assertWellFormedXml(file, text), file).not.toThrow();
    else expect.fail(`unexpected file left in public/: ${file}`);
  }
}

describeWithFixtures('crash safety: SIGKILL at every stage of a refresh', () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await startFixtureServer();
  });
  afterAll(async () => server?.close());

  it.each(KILL_POINTS)('killed at %s: consistent, and the next refresh publishes each change exactly once', async (killAt) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'regwatch-crash-'));
    const configInput = {
      allowPrivateNetwork: true,
      hostIntervalSeconds: 0,
      sources: PAGES.map((p, i) => ({ id: `s${i}`, watcher: 'iso-page', url: `${server.origin}${p.path}` })),
    };
    const config = parseConfig(configInput);
    try {
      for (const round of [0, 1]) {
        for (const page of PAGES) server.routes.set(page.path, { file: fixturePath('iso-pages', `${page.rounds[round]}.html`) });
        const clock = `2026-01-0${round + 1}T06:00:00.000Z`;
        await killedRefresh(dataDir, JSON.stringify(configInput), clock, killAt);
        assertConsistent(dataDir);
        const store = openStore(databasePath(dataDir));
        const fetcher = buildFetcher(config, store.hostState);
        try {
          await refresh({ config, store, fetcher, now: () => new Date(clock), dataDir, site: siteFor(config) }, { trigger: 'test' });
          const { items } = store.items();
          // exactly one item per document per round: a baseline, then the real change
          const perSource = PAGES.map((_, i) =>
            items
              .filter((item) => item.source === `s${i}`)
              .map((item) => item.event)
              .reverse(),
          );
          expect(perSource).toEqual(
            round === 0
              ? [['baseline'], ['baseline']]
              : [
                  ['baseline', 'fdis'],
                  ['baseline', 'dis-ballot'],
                ],
          );
          const published = changesFileSchema.parse(JSON.parse(readFileSync(join(dataDir, 'public', 'changes.json'), 'utf8')));
          expect(published.items.map((i) => i.id)).toEqual(items.map((i) => i.id));
        } finally {
          await fetcher.close();
          store.close();
        }
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
