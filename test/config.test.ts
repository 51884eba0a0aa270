import { describe, expect, it } from 'vitest';
import { ConfigError, defaultSources, parseConfig } from '../src/config/index.js';

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
    expect(config.sources.map((s) => s.id)).toEqual(['iso_42001', 'iso_42005', 'iso_42006', 'iso_23894', 'iso_catalogue']);
    expect(config.sources[4]).toMatchObject({ watcher: 'iso-opendata', options: { committees: ['ISO/IEC JTC 1/SC 42'], documents: [81230, 44545, 44546, 77304] } });
    expect(config.sources.filter((s) => s.requirements).map((s) => s.id)).toEqual(['iso_42001', 'iso_42006']);
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
    for (const url of ['https://127.0.0.1/x', 'https://localhost/x', 'https://10.1.2.3/x', 'https://[::1]/x', 'https://169.254.169.254/latest']) {
      expect(problems({ sources: [{ id: 'a', watcher: 'iso-page', url }] }), url).toEqual([
        'sources[0].url: is a loopback or private address (set allowPrivateNetwork for a local mirror)',
      ]);
    }
    expect(problems({ allowPrivateNetwork: true, sources: [{ id: 'a', watcher: 'iso-page', url: 'http://127.0.0.1:8080/x' }] })).toEqual([]);
  });

  it('names duplicate source ids and unknown keys', () => {
    expect(problems({ sources: [
      { id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/1.html' },
      { id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/2.html' },
    ] })).toEqual(['sources[1].id: duplicates sources[0].id "a"']);
    expect(problems({ sources: [{ id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/1.html', colour: 'red' }] })).toEqual(['sources[0].colour: is not a setting of an iso-page source (its own settings: none)']);
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

  it('refuses a request timeout under a second', () => {
    const source = { id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/81230.html' };
    for (const requestTimeoutSeconds of [0, 0.001, 0.999, -1]) {
      expect(problems({ sources: [source], requestTimeoutSeconds }), String(requestTimeoutSeconds)).toEqual(['requestTimeoutSeconds: must be at least 1 (seconds)']);
    }
    expect(parseConfig({ sources: [source], requestTimeoutSeconds: 1 }).requestTimeoutSeconds).toBe(1);
  });
});
