import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SOURCES, parseConfig } from '../src/config.js';

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
    const config = parseConfig({ sources: DEFAULT_SOURCES });
    expect(config.sources.map((s) => s.id)).toEqual(['iso_42001', 'iso_42005', 'iso_42006', 'iso_23894', 'iso_catalogue']);
    expect(config.sources[4]).toMatchObject({ watcher: 'iso-opendata', committees: ['ISO/IEC JTC 1/SC 42'], documents: [81230, 44545, 44546, 77304] });
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
    expect(problems({ sources, requestTimeoutSeconds: 400 })).toEqual([
      'requestDeadlineSeconds: must be at least requestTimeoutSeconds (400), it is 300',
    ]);
  });

  it('names duplicate source ids and unknown keys', () => {
    expect(problems({ sources: [
      { id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/1.html' },
      { id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/2.html' },
    ] })).toEqual(['sources[1].id: duplicates sources[0].id "a"']);
    expect(problems({ sources: [{ id: 'a', watcher: 'iso-page', url: 'https://www.iso.org/standard/1.html', colour: 'red' }] })[0]).toMatch(/^sources\[0\]: .*colour/);
  });

  it('says what an iso-opendata source is missing, and refuses catalogue settings on a page source', () => {
    expect(problems({ sources: [{ id: 'cat', watcher: 'iso-opendata', url: 'https://example.org/dump.jsonl' }] })).toEqual([
      'sources[0]: an iso-opendata source needs committees or documents to watch',
    ]);
    expect(problems({ sources: [{ id: 'p', watcher: 'iso-page', url: 'https://www.iso.org/standard/1.html', documents: [1] }] })).toEqual([
      'sources[0]: committees and documents are for iso-opendata sources; an iso-page source watches its own page',
    ]);
  });
});
