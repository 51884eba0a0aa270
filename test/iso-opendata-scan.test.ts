import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glance } from '../watchers/iso-opendata/glance.js';
import { scanHead } from '../watchers/iso-opendata/head-scan.js';
import { lineSplitter, type LinesOutcome } from '../watchers/iso-opendata/lines.js';
import { describeWithFixtures, FIXTURES_DIR, itHasRows } from './fixtures.js';
import { runHostileInputs } from './hostile-inputs.js';

// The catalogue pass's fast path (issue 11): head-scan.ts reads a row's top-level keys in one pass
// over its bytes, and must answer exactly what the regex look (glance.ts) answers, or decline.
// Checked on every real deliverables row, and on those rows bent in the ways a regex reads
// differently from a key walk; then the line splitter, which must not depend on the chunk size.

const scan = (line: Buffer): ReturnType<typeof scanHead> => scanHead(line, 0, line.length);

/** The fast answer where there is one; whatever it is, glance's. */
function expectSameAsGlance(line: string): boolean {
  const bytes = Buffer.from(line);
  const fast = scan(bytes);
  if (fast !== null) expect(fast, line.slice(0, 300)).toEqual(glance(bytes));
  return fast !== null;
}

function realRows(): string[] {
  const dir = join(FIXTURES_DIR, 'iso-opendata');
  const days = join(dir, 'sc42-replay', 'days');
  const files = [
    ...readdirSync(dir)
      .filter((name) => name.startsWith('opendata-iso_deliverables_metadata'))
      .map((name) => join(dir, name)),
    ...readdirSync(days).map((name) => join(days, name)),
  ];
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0),
  );
}

/** Deterministic: the same bent rows on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

type Row = Record<string, unknown>;
type Bend = (line: string, row: Row) => string;
const keysFirst = (row: Row, first: Row): Row => ({ ...first, ...row });
/** Bends only the part before the abstract: the abstract's own text is not what is looked at. */
const inHead =
  (bend: (head: string) => string): Bend =>
  (line) => {
    const cut = line.indexOf('"scope":');
    return bend(line.slice(0, cut)) + line.slice(cut);
  };

/**
 * Ways to bend a row, each read differently by a regex than by a walk of the keys if either slips,
 * and whether the scan reads such a row itself or leaves it to glance().
 */
const BENDS: Array<[string, 'reads' | 'declines', Bend]> = [
  ['spaces around colons and commas', 'reads', inHead((head) => head.replace(/":/g, '" : ').replace(/,"/g, ' , "'))],
  ['tabs and CRs between tokens', 'reads', inHead((head) => head.replace(/,"/g, ',\t\r"'))],
  ['an escaped committee', 'reads', (line) => line.replace(/"ownerCommittee":"([^"]*)\//, '"ownerCommittee":"$1\\/')],
  [
    'a unicode-escaped committee',
    'reads',
    (line) => line.replace(/"ownerCommittee":"(.)/, (_m, first: string) => `"ownerCommittee":"\\u00${first.charCodeAt(0).toString(16)}`),
  ],
  ['a committee of null', 'reads', (line) => line.replace(/"ownerCommittee":"[^"]*"/, '"ownerCommittee":null')],
  ['an id of leading zeros', 'reads', (line) => line.replace(/"id":(\d+)/, '"id":000$1')],
  ['replaces with spaces', 'reads', (line) => line.replace(/"replaces":(null|\[[^\]]*\]),/, '"replaces":[ 12 , 34 ],')],
  ['replaces with exponents and signs', 'reads', (line) => line.replace(/"replaces":(null|\[[^\]]*\]),/, '"replaces":[1e3,+5,-2,0],')],
  ['replaces empty', 'reads', (line) => line.replace(/"replaces":(null|\[[^\]]*\]),/, '"replaces":[],')],
  ['replaces nested', 'reads', (line) => line.replace(/"replaces":(null|\[[^\]]*\]),/, '"replaces":[[81230],2],')],
  ['replaces as a string', 'reads', (line) => line.replace(/"replaces":(null|\[[^\]]*\]),/, '"replaces":"[81230]",')],
  ['replaces of 16-digit ids', 'reads', (line) => line.replace(/"replaces":(null|\[[^\]]*\]),/, '"replaces":[1234567890123456,81230],')],
  ['a supplement', 'reads', (line) => line.replace(/"supplementType":null/, '"supplementType":"Amd"')],
  ['a supplement of a number', 'reads', (line) => line.replace(/"supplementType":null/, '"supplementType":1')],
  [
    'a supplement with an escaped reference',
    'reads',
    (line) => line.replace(/"supplementType":null/, '"supplementType":"Amd"').replace(/"reference":"([^"]*)\//, '"reference":"$1\\/'),
  ],
  ['a nested value without the keys', 'reads', (line) => line.replace('"scope":', '"x":{"en":[1,{"a":null}],"b":"]"},"scope":')],
  ['a value of true', 'reads', (line) => line.replace('"scope":', '"flag":true,"scope":')],
  ['the abstract first', 'declines', (_line, row) => JSON.stringify(keysFirst(row, { scope: row.scope }))],
  ['the abstract gone', 'declines', (_line, row) => JSON.stringify({ ...row, scope: undefined })],
  ['a space before the abstract colon', 'declines', (line) => line.replace('"scope":', '"scope" :')],
  ['the committee given twice', 'declines', (line) => line.replace('"scope":', '"ownerCommittee":"ISO/TC 1","scope":')],
  ['the id given twice', 'declines', (line) => line.replace('"scope":', '"id":7,"scope":')],
  ['an id in a nested object first', 'declines', (line) => line.replace('{"id":', '{"x":{"id":9},"id":')],
  ['a committee in a nested array', 'declines', (line) => line.replace('"scope":', '"x":[{"ownerCommittee":"ISO/IEC JTC 1/SC 42"}],"scope":')],
  ['an escaped quote in a value', 'declines', (line) => line.replace('"scope":', '"note":"say \\"id\\": 5","scope":')],
  ['a key with an escaped quote', 'declines', (line) => line.replace('"scope":', '"x\\"id":5,"scope":')],
  ['an id as a string', 'declines', (line) => line.replace(/"id":(\d+)/, '"id":"$1"')],
  ['an id with a fraction', 'declines', (line) => line.replace(/"id":(\d+)/, '"id":$1.0')],
  ['a negative id', 'declines', (line) => line.replace(/"id":(\d+)/, '"id":-$1')],
  ['an id with an exponent', 'declines', (line) => line.replace(/"id":(\d+)/, '"id":$1e0')],
  ['an id of 20 digits', 'declines', (line) => line.replace(/"id":(\d+)/, '"id":12345678901234567890')],
  ['replaces unbalanced', 'declines', (line) => line.replace(/"replaces":(null|\[[^\]]*\]),/, '"replaces":[81230,2},')],
  ['a stray token', 'declines', (line) => line.replace('"scope":', '"flag":@,"scope":')],
  ['a missing comma', 'declines', (line) => line.replace(',"scope":', ' "scope":')],
  ['the reference gone', 'declines', (_line, row) => JSON.stringify({ ...row, reference: undefined })],
  ['not an object', 'declines', (line) => `[${line}]`],
];

describeWithFixtures('the key scan of a catalogue row (issue 11)', () => {
  const rows = realRows();
  itHasRows('real deliverables rows', rows, 800);

  it('reads every real row itself, as glance() reads it', () => {
    const declined = rows.filter((line) => !expectSameAsGlance(line));
    expect(declined).toEqual([]);
  });

  it.each(BENDS)('%s: %s, as glance() reads it', (_name, expected, bend) => {
    const sample = rows.filter((_row, i) => i % 5 === 0).slice(0, 200);
    const bent = sample.map((line) => bend(line, JSON.parse(line) as Row));
    expect(bent.filter((line, i) => line !== sample[i]).length, 'rows the bend changed').toBeGreaterThan(0);
    const answered = bent.filter(expectSameAsGlance).length;
    expect(answered).toBe(expected === 'reads' ? sample.length : 0);
  });

  it('answers the same for a row inside a larger buffer, whatever bytes surround it', () => {
    let answered = 0;
    for (const [, , bend] of BENDS) {
      for (const line of rows.slice(0, 20)) {
        const bent = Buffer.from(bend(line, JSON.parse(line) as Row));
        for (const [before, after] of [
          ['', ''],
          ['","', ',":"]'],
          ['\\', '"}:,'],
        ] as const) {
          const buffer = Buffer.concat([Buffer.from(before), bent, Buffer.from(after)]);
          const inside = scanHead(buffer, before.length, before.length + bent.length);
          expect(inside).toEqual(scan(bent));
          if (inside !== null) answered += 1;
        }
      }
    }
    expect(answered).toBeGreaterThan(1000);
  });

  it('answers as glance() or declines on 3,000 rows bent two or three ways at once', () => {
    const next = random(42);
    let answered = 0;
    for (let i = 0; i < 3000; i++) {
      let line = rows[Math.floor(next() * rows.length)]!;
      for (let times = 2 + Math.floor(next() * 2); times > 0; times--) {
        const [, , bend] = BENDS[Math.floor(next() * BENDS.length)]!;
        let row: Row = {};
        try {
          row = JSON.parse(line) as Row;
        } catch {
          // a bend before made it invalid JSON: the line-only bends still apply
        }
        line = bend(line, row);
      }
      if (expectSameAsGlance(line)) answered += 1;
    }
    expect(answered).toBeGreaterThan(300);
  });
});

describe('the key scan on hostile lines', () => {
  it('gives up in linear time on openings never closed, as glance() then does', async () => {
    const names = [
      'catalogue line, key scan: nested openings never closed',
      'catalogue line, key scan: replaces lists never closed',
      'catalogue line, key scan: a string never closed',
    ];
    const run = await runHostileInputs(names, 40_000);
    expect(run).toEqual({ answers: Object.fromEntries(names.map((name) => [name, null])), unfinished: [], killed: false, err: '' });
  });

  it('reads the keys, not text that looks like them', () => {
    const line =
      '{"id":5,"note":"\\"ownerCommittee\\":\\"ISO/IEC JTC 1/SC 42\\"","reference":"ISO 5","currentStage":6060,"ownerCommittee":"ISO/TC 1","supplementType":null,"replaces":null,"scope":{"en":"\\"id\\":1"}}';
    expect(scan(Buffer.from(line))).toBeNull(); // an escaped quote: glance() decides
    const plain =
      '{"id":5,"note":"ownerCommittee: ISO/IEC JTC 1/SC 42","reference":"ISO 5","currentStage":6060,"ownerCommittee":"ISO/TC 1","supplementType":null,"replaces":[3,4],"scope":{"en":"id 1"}}';
    expect(scan(Buffer.from(plain))).toEqual({ id: 5, committee: 'ISO/TC 1', replaces: [3, 4], supplementReference: null });
    expect(scan(Buffer.from(plain))).toEqual(glance(Buffer.from(plain)));
  });

  // Found by a differential fuzzer (1.6M cases): invalid JSON where a regex pairs quotes differently.
  it.each([
    [
      'a quote pairing in a nested value hides an id',
      '{"currentStage":["a"id":7,"],"id":1,"reference":"R","ownerCommittee":"C","supplementType":null,"replaces":null,"scope":1}',
    ],
    [
      '… a committee',
      '{"id":1,"reference":"R","currentStage":["a"ownerCommittee":"Z","],"ownerCommittee":"C","supplementType":null,"replaces":null,"scope":1}',
    ],
    [
      '… a supplement',
      '{"id":1,"reference":"ISO 1/Amd 1","currentStage":["a"supplementType":"","],"ownerCommittee":"C","supplementType":null,"replaces":null,"scope":1}',
    ],
    [
      '… an earlier abstract cut',
      '{"id":1,"reference":"R","currentStage":["a"scope":1,"],"ownerCommittee":"C","supplementType":null,"replaces":null,"scope":{"replaces":[5]}}',
    ],
    ['an escaped CR in the committee', '{"id":1,"reference":"R","currentStage":1,"ownerCommittee":"A\\\rB","supplementType":null,"replaces":null,"scope":1}'],
    [
      'an escaped U+2028 in a reference',
      '{"id":1,"reference":"R\\\u2028","currentStage":1,"ownerCommittee":"C","supplementType":"Amd","replaces":null,"scope":1}',
    ],
  ])('leaves to glance() what a regex reads otherwise: %s', (_name, line) => {
    expect(scan(Buffer.from(line))).toBeNull();
  });

  it('reads no byte outside an empty or one-byte range', () => {
    expect(scanHead(Buffer.from('}{"'), 1, 1)).toBeNull();
    expect(scanHead(Buffer.from('{}'), 0, 1)).toBeNull();
  });

  it('reads a row at any place in a larger buffer, never past its end', () => {
    const row = '{"id":5,"reference":"ISO 5","currentStage":6060,"ownerCommittee":"ISO/TC 1","supplementType":"Amd","replaces":[3],"scope":{}}';
    const buffer = Buffer.from(`xx${row}]]"\n`);
    expect(scanHead(buffer, 2, 2 + row.length)).toEqual(glance(Buffer.from(row)));
    // a range that ends inside a string: what follows in the buffer would close it, the range does not
    const cut = Buffer.from(`{"id":5,"reference":"ISO}","currentStage":6060,"ownerCommittee":"ISO/TC 1","supplementType":null,"replaces":null,"scope":{}}`);
    expect(scanHead(cut, 0, cut.indexOf('}') + 1)).toBeNull();
  });
});

describe('the line splitter', () => {
  const split = (text: string, chunkSize: number, maxLineBytes = 1000): { lines: Array<[number, string, boolean]>; outcome: LinesOutcome } => {
    const lines: Array<[number, string, boolean]> = [];
    const splitter = lineSplitter(maxLineBytes, (buffer, start, end, offset, complete) => {
      lines.push([offset, buffer.toString('latin1', start, end), complete]);
      return !buffer.toString('latin1', start, end).startsWith('STOP');
    });
    const bytes = Buffer.from(text, 'latin1');
    for (let at = 0; at < bytes.length; at += chunkSize) splitter.push(bytes.subarray(at, at + chunkSize));
    return { lines, outcome: splitter.end() };
  };
  const sizes = [1, 2, 3, 7, 64, 4096];

  it('hands over the same lines and offsets whatever the chunk size', () => {
    const text = 'first\r\nsecond\n\nthird line is longer\nno newline at the end';
    const whole = split(text, text.length);
    expect(whole.lines).toEqual([
      [0, 'first\r', true],
      [7, 'second', true],
      [14, '', true],
      [15, 'third line is longer', true],
      [36, 'no newline at the end', false],
    ]);
    expect(whole.outcome).toEqual({ kind: 'read', lines: 5 });
    for (const size of sizes) expect(split(text, size), `chunks of ${size}`).toEqual(whole);
  });

  it('stops where the reader says, and ignores what comes after', () => {
    const text = 'a\nSTOP here\nnever seen\n';
    for (const size of [...sizes, text.length]) {
      expect(split(text, size), `chunks of ${size}`).toEqual({
        lines: [
          [0, 'a', true],
          [2, 'STOP here', true],
        ],
        outcome: { kind: 'stopped', lines: 2 },
      });
    }
  });

  it('refuses a line longer than the limit wherever it falls, inside one chunk or across many', () => {
    const text = `short\n${'x'.repeat(30)}\nafter\n`;
    for (const size of [...sizes, text.length]) {
      expect(split(text, size, 20), `chunks of ${size}`).toEqual({ lines: [[0, 'short', true]], outcome: { kind: 'line-too-long', offset: 6 } });
    }
    // and says at once that more chunks would be ignored, so that a file is not read to its end
    const splitter = lineSplitter(20, () => true);
    expect(splitter.push(Buffer.from('short\n'))).toBe(true);
    expect(splitter.push(Buffer.from('x'.repeat(30)))).toBe(false);
    // at the limit exactly: read
    expect(split(`${'x'.repeat(20)}\n`, 3, 20).outcome).toEqual({ kind: 'read', lines: 1 });
  });
});
