import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defaultSources, loadConfig, parseConfig } from '../src/config/index.js';
import { watchedSource } from '../src/pipeline/sources.js';
import { runWatch } from '../src/pipeline/watch.js';

function problems(input: unknown): string[] {
  try {
    parseConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('config validation names every bad field by its path', () => {
  it('accepts the shipped defaults', () => {
    const config = parseConfig({ sources: defaultSources() });
    expect(config.sources.map((s) => s.id)).toEqual([
      'iso_42001',
      'iso_42005',
      'iso_42006',
      'iso_23894',
      'iso_catalogue',
      'iec_42001',
      'iec_42005',
      'nist_csrc',
    ]);
    expect(config.sources[4]).toMatchObject({
      watcher: 'iso-opendata',
      options: { committees: ['ISO/IEC JTC 1/SC 42'], documents: [81230, 44545, 44546, 77304], followWatched: true },
    });
    expect(config.sources.filter((s) => s.requirements).map((s) => s.id)).toEqual(['iso_42001', 'iso_42006', 'iec_42001']);
    expect(config.sources.filter((s) => s.sameAs !== undefined).map((s) => [s.id, s.sameAs])).toEqual([
      ['iec_42001', 'iso:81230'],
      ['iec_42005', 'iso:44545'],
    ]);
    expect(config.allowPrivateNetwork).toBe(false);
  });

  it('reports all the problems at once, each with its path', () => {
    const found = problems({
      sources: [
        { id: 'ok', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html' },
        { id: 'Bad Id', watcher: 'iso-page', url: 'https://www.iso.org/standard/1.html' },
        { id: 'plain', watcher: 'iso-page', url: 'http://www.iso.org/standard/81230.html' },
        { id: 'ok', watcher: 'nope', url: 'not a url' },
      ],
      hostIntervalSeconds: -1,
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sources\[1\]\.id: /),
        'sources[2].url: must be an https URL',
        expect.stringMatching(/^sources\[3\]\.watcher: /),
        expect.stringMatching(/^sources\[3\]\.url: /),
        expect.stringMatching(/^hostIntervalSeconds: /),
      ]),
    );
  });

  it('refuses loopback and private hosts unless allowPrivateNetwork is set', () => {
    for (const url of ['https://127.0.0.1/x', 'https://localhost/x', 'https://10.1.2.3/x', 'https://[::1]/x', 'https://[fd00::1]/x']) {
      expect(problems({ sources: [{ id: 'a', watcher: 'iso-page', url }] }), url).toEqual([
        'sources[0].url: is a loopback or private address (set allowPrivateNetwork for a local mirror)',
      ]);
    }
    expect(problems({ allowPrivateNetwork: true, sources: [{ id: 'a', watcher: 'iso-page', url: 'http://127.0.0.1:8080/x' }] })).toEqual([]);
  });

  it('refuses link-local and special-purpose hosts whatever allowPrivateNetwork says', () => {
    for (const allowPrivateNetwork of [false, true]) {
      for (const url of ['https://169.254.169.254/latest', 'http://[fe80::1]/x', 'https://[2002:a00:1::1]/x']) {
        expect(problems({ allowPrivateNetwork, sources: [{ id: 'a', watcher: 'iso-page', url }] }), url).toEqual([
          'sources[0].url: is a link-local or special-purpose address (never fetched, whatever allowPrivateNetwork says)',
        ]);
      }
    }
  });

  it('gives every request a total deadline of 300 s by default, never shorter than its timeout', () => {
    const sources = [{ id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/1.html' }];
    expect(parseConfig({ sources })).toMatchObject({ requestTimeoutSeconds: 30, requestDeadlineSeconds: 300 });
    expect(parseConfig({ sources, requestTimeoutSeconds: 5, requestDeadlineSeconds: 5 })).toMatchObject({ requestDeadlineSeconds: 5 });
    expect(problems({ sources, requestTimeoutSeconds: 60, requestDeadlineSeconds: 10 })).toEqual([
      'requestDeadlineSeconds: must be at least requestTimeoutSeconds (60), it is 10',
    ]);
    expect(problems({ sources, requestTimeoutSeconds: 400 })).toEqual(['requestDeadlineSeconds: must be at least requestTimeoutSeconds (400), it is 300']);
  });

  it('names duplicate source ids and unknown keys', () => {
    expect(
      problems({
        sources: [
          { id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/1.html' },
          { id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/2.html' },
        ],
      }),
    ).toEqual(['sources[1].id: duplicates sources[0].id "a"']);
    expect(problems({ sources: [{ id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/1.html', colour: 'red' }] })).toEqual([
      'sources[0].colour: is not a setting of an iso-page source (its own settings: none)',
    ]);
  });

  it('says what an iso-opendata source is missing, and refuses catalogue settings on a page source', () => {
    expect(problems({ sources: [{ id: 'cat', watcher: 'iso-opendata', url: 'https://example.org/dump.jsonl' }] })).toEqual([
      'sources[0]: an iso-opendata source needs committees, documents or followWatched to watch',
    ]);
    expect(problems({ sources: [{ id: 'p', watcher: 'iso-page', url: 'https://www.iso.org/standard/1.html', documents: [1] }] })).toEqual([
      'sources[0].documents: is not a setting of an iso-page source (its own settings: none)',
    ]);
  });

  it('refuses a user name or password in any URL that is published or sent (sources, contact, publicUrl)', () => {
    const source = { id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html' };
    const message = 'must not contain a user name or password (it would be published in every feed)';
    expect(problems({ sources: [{ ...source, url: 'https://user:pass@www.iso.org/standard/81230.html' }] })).toEqual([`sources[0].url: ${message}`]);
    expect(problems({ sources: [{ ...source, url: 'https://token@www.iso.org/standard/81230.html' }] })).toEqual([`sources[0].url: ${message}`]);
    expect(problems({ sources: [source], contact: 'https://me:pw@example.org/', publicUrl: 'https://feeds:pw@example.org/' })).toEqual([
      `contact: ${message}`,
      `publicUrl: ${message}`,
    ]);
  });

  it('names the fields of the one licence form that fits the value given', () => {
    const source = { id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html' };
    expect(problems({ sources: [{ ...source, licence: { tag: 'public-domain', rights: '', colour: 1 } }] })).toEqual([
      'sources[0].licence.rights: must not be empty',
      'sources[0].licence.attribution: is required',
      'sources[0].licence.colour: is not a known setting (known: tag, rights, attribution, uri)',
    ]);
    expect(problems({ sources: [{ ...source, licence: 5 }] })).toEqual([
      'sources[0].licence: must be one of proprietary-metadata-only, public-domain, open-attribution, share-alike-noncommercial, facts-and-quotation, or a JSON object (got 5)',
    ]);
  });

  it('refuses a request timeout under a second', () => {
    const source = { id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html' };
    for (const requestTimeoutSeconds of [0, 0.001, 0.999, -1]) {
      expect(problems({ sources: [source], requestTimeoutSeconds }), String(requestTimeoutSeconds)).toEqual([
        'requestTimeoutSeconds: must be at least 1 (seconds)',
      ]);
    }
    expect(parseConfig({ sources: [source], requestTimeoutSeconds: 1 }).requestTimeoutSeconds).toBe(1);
  });
});

describe('a config that extends the shipped watch list', () => {
  const load = (config: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'regwatch-extends-'));
    const file = join(dir, 'regwatch.config.json');
    writeFileSync(file, JSON.stringify(config));
    try {
      return loadConfig(file).config;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('follows one more standard with one line, and the catalogue follows its family without a second entry', () => {
    const config = load({ extends: 'default', sources: [{ id: 'iso_5338', watcher: 'iso-page', url: 'https://www.iso.org/standard/81118.html' }] });
    expect(config.sources.map((s) => s.id)).toEqual([...defaultSources().map((s) => (s as { id: string }).id), 'iso_5338']);
    const sources = config.sources.map(watchedSource);
    const watch = runWatch(sources, () => new Map());
    expect(watch.scopes.get('iso_catalogue')!.keys).toContain('iso:81118');
  });

  it('replaces a shipped source given again under its id, and keeps the settings it sets', () => {
    const config = load({
      extends: 'default',
      hostIntervalSeconds: 9,
      sources: [{ id: 'iso_42005', watcher: 'iso-page', url: 'https://www.iso.org/standard/44545.html', requirements: true }],
    });
    expect(config.sources.filter((s) => s.id === 'iso_42005')).toEqual([expect.objectContaining({ requirements: true })]);
    expect(config.hostIntervalSeconds).toBe(9);
  });

  it('names an unknown watch list', () => {
    expect(() => load({ extends: 'everything', sources: [] })).toThrow(/extends: must be one of "default"/);
  });
});
