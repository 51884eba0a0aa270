import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defaultSources, loadConfig, parseConfig, problemInFile, withWatchList } from '../src/config/index.js';
import { runCli } from './helpers/run-cli.js';

// A config that `"extends": "default"` is checked as one list, the shipped sources and its own, but
// its problems name the user's own file and the position in it (README: a bad config is reported
// "naming every bad field by its file and path"), and a source that replaces a shipped one keeps
// the shipped one's place.

const shippedIds = defaultSources().map((s) => (s as { id: string }).id);
const page = (id: string, url = 'https://www.iso.org/standard/1.html') => ({ id, watcher: 'iso-page', url });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'regwatch-extends-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, config: unknown): string {
  writeFileSync(join(dir, name), JSON.stringify(config));
  return join(dir, name);
}

function loadProblems(file: string): string[] {
  try {
    loadConfig(file);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('the problems of a config that extends the shipped watch list', () => {
  it('name the position of a source in the file, not in the merged list', () => {
    const file = write('two.json', { extends: 'default', sources: [page('x', 'http://www.iso.org/standard/1.html'), { ...page('y'), colour: 'red' }] });
    expect(loadProblems(file).sort()).toEqual([
      `${file}: sources[0].url: must be an https URL`,
      `${file}: sources[1].colour: is not a setting of an iso-page source (its own settings: none)`,
    ]);
  });

  it('name the position of a source that replaces a shipped one', () => {
    const file = write('override.json', { extends: 'default', sources: [page('iso_42001', 'http://x/standard/1.html')] });
    expect(loadProblems(file)).toEqual([`${file}: sources[0].url: must be an https URL`]);
  });

  it('name both positions of a duplicated id', () => {
    const file = write('dup.json', { extends: 'default', sources: [page('a'), page('b'), page('a', 'https://www.iso.org/standard/2.html')] });
    expect(loadProblems(file)).toEqual([`${file}: sources[2].id: duplicates sources[0].id "a"`]);
    const twice = write('dup-shipped.json', { extends: 'default', sources: [page('new'), page('iso_42005'), page('iso_42005')] });
    expect(loadProblems(twice)).toEqual([`${twice}: sources[2].id: duplicates sources[1].id "iso_42005"`]);
  });

  it('leave the paths of other settings as they are', () => {
    const file = write('notify.json', {
      extends: 'default',
      sources: [page('x', 'http://www.iso.org/standard/1.html')],
      notify: [{ id: 'hook', type: 'webhook', url: 'https://hooks.example.org/r', secretEnv: 'S', sources: ['iso_42001', 'nope'] }],
    });
    expect(loadProblems(file).sort()).toEqual([
      `${file}: notify[0].sources[1]: "nope" is not a configured source`,
      `${file}: sources[0].url: must be an https URL`,
    ]);
  });

  it('name an unknown watch list, whatever its name, and sources that are not a list without blaming extends', () => {
    for (const name of ['everything', 'constructor', '__proto__', 'toString']) {
      const file = write('unknown.json', { extends: name });
      expect(loadProblems(file), name).toEqual([`${file}: extends: must be one of "default"`]);
    }
    const file = write('not-a-list.json', { extends: 'default', sources: {} });
    expect(loadProblems(file)).toEqual([`${file}: sources: must be an array (got an object)`]);
  });

  it('name the watch list file when the bad source is an inherited one', () => {
    const lists = { broken: { file: 'watchlists/broken.json', sources: [page('good'), page('bad', 'http://www.iso.org/standard/2.html')] } };
    const { input, origins } = withWatchList({ extends: 'broken', sources: [page('mine')] }, 'mine.json', lists);
    let problems: string[] = [];
    try {
      parseConfig(input);
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems.map((problem) => problemInFile(problem, 'mine.json', origins))).toEqual(['watchlists/broken.json: sources[1].url: must be an https URL']);
  });
});

describe('a source that replaces a shipped one', () => {
  it('keeps the shipped one’s place; sources of its own come after the shipped ones', () => {
    const file = write('replace.json', {
      extends: 'default',
      sources: [
        page('iso_5338', 'https://www.iso.org/standard/81118.html'),
        { ...page('iso_42005', 'https://www.iso.org/standard/44545.html'), requirements: true },
      ],
    });
    const { config } = loadConfig(file);
    expect(config.sources.map((s) => s.id)).toEqual([...shippedIds, 'iso_5338']);
    expect(config.sources.find((s) => s.id === 'iso_42005')).toMatchObject({ requirements: true });
  });
});

describe('regwatch sources with a config that extends the shipped watch list', () => {
  it('names the bad field by its place in the file on stderr', async () => {
    write('cli-two.json', { extends: 'default', sources: [page('x', 'http://www.iso.org/standard/1.html'), { ...page('y'), colour: 'red' }] });
    const run = await runCli(['sources', '--config', 'cli-two.json', '--data', 'empty'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n').filter(Boolean).sort()).toEqual([
      'config: cli-two.json: sources[0].url: must be an https URL',
      'config: cli-two.json: sources[1].colour: is not a setting of an iso-page source (its own settings: none)',
    ]);
  });

  it('lists a replaced shipped source in the shipped place', async () => {
    write('cli-replace.json', { extends: 'default', sources: [{ ...page('iso_42005', 'https://www.iso.org/standard/44545.html'), requirements: true }] });
    const run = await runCli(['sources', '--config', 'cli-replace.json', '--data', 'empty'], dir);
    expect(run.code).toBe(0);
    const listed = run.stdout
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => line.split(/\s+/)[0]);
    expect(listed).toEqual(shippedIds);
  });
});
