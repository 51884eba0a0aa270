import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractOpenData, isoOpenDataWatcher, ISO_OPEN_DATA_LICENCE, rowToRecord, type OpenDataContext } from '../watchers/iso-opendata/index.js';
import { canonicalRecord, type DocumentRecord } from '../src/model/record.js';
import { describeWithFixtures, fixturePath } from './fixtures.js';
import { glance } from '../watchers/iso-opendata/glance.js';
import { runHostileInputs } from './hostile-inputs.js';

// The ISO Open Data watcher on real rows (../shared/fixtures/iso-opendata) and on the SC 42 replay,
// whose expected.json says, day by day, which SC 42 documents changed and to what.

const SC42 = 'ISO/IEC JTC 1/SC 42';
const tmp = mkdtempSync(join(tmpdir(), 'regwatch-opendata-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let fileCount = 0;
function writeDump(lines: string[] | string): string {
  const path = join(tmp, `dump-${(fileCount += 1)}.jsonl`);
  writeFileSync(path, typeof lines === 'string' ? lines : `${lines.join('\n')}\n`);
  return path;
}

function context(over: Partial<OpenDataContext>): OpenDataContext {
  return { committees: [], documents: [], knownKeys: new Set(), ...over };
}

async function records(path: string, ctx: OpenDataContext): Promise<DocumentRecord[]> {
  const outcome = await extractOpenData(path, ctx);
  if (outcome.kind !== 'records') throw new Error(`${path}: ${outcome.kind}: ${outcome.reason}`);
  return outcome.records;
}

async function failure(path: string, ctx: OpenDataContext): Promise<string> {
  const outcome = await extractOpenData(path, ctx);
  expect(outcome.kind).toBe('extraction-failed');
  return outcome.kind === 'extraction-failed' ? outcome.reason : '';
}

const ids = (list: DocumentRecord[]): number[] => list.map((r) => Number(r.key.slice(4)));

describe('glance on a hostile catalogue line (issue 8)', () => {
  it('reads 2 MB of "replaces": [ openings, none closed, in linear time, as the old regex answered', async () => {
    const name = 'catalogue line: replaces lists never closed';
    const run = await runHostileInputs([name], 40_000); // well under a second; the old regex took hours
    expect(run).toEqual({ answers: { [name]: { id: 1, committee: null, replaces: [], supplementReference: null } }, unfinished: [], killed: false, err: '' });
  });

  it('still reads the first replaces list', () => {
    expect(glance(Buffer.from('{"id":5,"reference":"ISO 5","currentStage":6060,"replaces" : [ 3,4 ],"replaces":[9]}'))).toMatchObject({ replaces: [3, 4] });
    expect(glance(Buffer.from('{"id":5,"reference":"ISO 5","currentStage":6060,"replaces":[3,4}'))).toMatchObject({ replaces: [] });
  });
});

describe('isoOpenDataWatcher declaration', () => {
  it('declares its id, version, licence and limit', () => {
    expect(isoOpenDataWatcher).toMatchObject({ input: 'file', id: 'iso-opendata', version: '1', maxResponseBytes: 200_000_000 });
    expect(isoOpenDataWatcher.licence).toBe(ISO_OPEN_DATA_LICENCE);
  });
});

describeWithFixtures('iso-opendata on real rows', () => {
  const realText = (file: string): string => readFileSync(fixturePath('iso-opendata', file), 'utf8');
  const row62085 = (): string => realText('opendata-iso_deliverables_metadata-62085.json').trim();
  const rows88821And88915 = (): string[] => realText('opendata-iso_deliverables_metadata-88821-88915.jsonl').trim().split('\n');

  // Read off the rows by hand: 62085 is ISO 9001:2015 at 90.92 (to be revised), still published.
  const expected: Record<number, DocumentRecord> = {
    62085: {
      key: 'iso:62085',
      reference: 'ISO 9001:2015',
      status: 'published',
      phase: 'review',
      stage: '90.92',
      publicationDate: '2015-09-22',
      edition: 5,
      pages: 29,
      committee: 'ISO/TC 176/SC 2',
      ics: ['03.120.10', '03.100.70'],
      languages: ['ar', 'en', 'es', 'fr', 'ru'],
      relations: [
        { kind: 'replaces', key: 'iso:46486', reference: 'iso:46486' },
        { kind: 'replaces', key: 'iso:54538', reference: 'iso:54538' },
        { kind: 'replaced-by', key: 'iso:88464', reference: 'iso:88464' },
      ],
    },
    88821: {
      key: 'iso:88821',
      reference: 'ISO/TR 7035-2:2024',
      status: 'published',
      phase: 'published',
      stage: '60.60',
      publicationDate: '2024-09-30',
      edition: 1,
      pages: 23,
      committee: 'ISO/TC 5/SC 2',
      ics: ['23.040.10'],
      languages: ['en'],
    },
    88915: {
      key: 'iso:88915',
      reference: 'ISO/IEC 19566-7:2022/Amd 1:2025',
      status: 'published',
      phase: 'published',
      stage: '60.60',
      publicationDate: '2025-01-08',
      edition: 1,
      pages: 6,
      committee: 'ISO/IEC JTC 1/SC 29',
      ics: ['35.040.30'],
      languages: ['en'],
    },
  };

  it('maps each real row to its record, without title or abstract', () => {
    for (const line of [row62085(), ...rows88821And88915()]) {
      const row = JSON.parse(line) as { id: number; scope: unknown };
      expect(row.scope).toBeDefined();
      const outcome = rowToRecord(row);
      expect(outcome).toEqual({ ok: true, record: expected[row.id] });
    }
  });

  it('never reads scope: a row whose scope throws when touched still maps', () => {
    const row = JSON.parse(row62085()) as Record<string, unknown>;
    Object.defineProperty(row, 'scope', {
      enumerable: true,
      get: () => {
        throw new Error('scope was read');
      },
    });
    expect(rowToRecord(row)).toEqual({ ok: true, record: expected[62085] });
  });

  it('extracts the real files as they are (62085.json has no trailing newline)', async () => {
    const all = context({ knownKeys: new Set(['iso:62085', 'iso:88821', 'iso:88915']) });
    expect(await records(fixturePath('iso-opendata', 'opendata-iso_deliverables_metadata-62085.json'), all)).toEqual([expected[62085]]);
    expect(await records(fixturePath('iso-opendata', 'opendata-iso_deliverables_metadata-88821-88915.jsonl'), all)).toEqual([expected[88821], expected[88915]]);
  });

  it('refuses rows it would have to invent from', () => {
    const base = JSON.parse(row62085()) as Record<string, unknown>;
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...base, currentStage: 6061 }, /id 62085: currentStage 6061 is not a harmonized stage code/],
      [{ ...base, currentStage: '6060' }, /currentStage "6060"/],
      [{ ...base, currentStage: null }, /currentStage null/],
      [{ ...base, reference: null }, /reference is not a string/],
      [{ ...base, reference: ' ISO 9001:2015' }, /reference/],
      [{ ...base, publicationDate: '22/09/2015' }, /publicationDate is not YYYY-MM-DD/],
      [{ ...base, edition: 0 }, /edition/],
      [{ ...base, icsCode: ['not ics'] }, /ics/],
      [{ ...base, replacedBy: ['88464'] }, /replacedBy is not a list of ids/],
      [{ ...base, id: '62085' }, /id is not a positive integer/],
    ];
    for (const [row, reason] of bad) {
      const outcome = rowToRecord(row);
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) expect(outcome.reason).toMatch(reason);
    }
    expect(rowToRecord('{"id":1}').ok).toBe(false);
  });

  it('maps stages to statuses as iso.org words them (60.00 under development, 95.20 still published)', () => {
    const base = JSON.parse(row62085()) as Record<string, unknown>;
    const status = (currentStage: number) => {
      const outcome = rowToRecord({ ...base, currentStage, replaces: null, replacedBy: null });
      return outcome.ok ? outcome.record.status : outcome.reason;
    };
    expect([2000, 4020, 5020, 6000, 6060, 9020, 9093, 9520, 9599, 2098, 3098, 1098].map(status)).toEqual([
      'under-development',
      'under-development',
      'under-development',
      'under-development',
      'published',
      'published',
      'published',
      'published',
      'withdrawn',
      'deleted',
      'deleted',
      'deleted',
    ]);
  });

  it('follows 62085 alone in a file of the three real rows, in any order', async () => {
    const lines = [...rows88821And88915(), row62085()];
    for (const order of [lines, [...lines].reverse()]) {
      expect(await records(writeDump(order), context({ documents: [62085] }))).toEqual([expected[62085]]);
    }
  });

  it('follows the family: amendment before its parent, corrigendum, successor, revision; not look-alikes', async () => {
    const parent = JSON.parse(row62085()) as Record<string, unknown>;
    const row = (over: Record<string, unknown>): string =>
      JSON.stringify({ ...parent, replaces: null, replacedBy: null, scope: { en: `<p>SCOPE-SENTINEL-${String(over.id)}</p>` }, ...over });
    const lines = [
      row({ id: 990001, reference: 'ISO 9001:2015/Amd 1:2024', supplementType: 'Amd', currentStage: 6060, edition: 1 }),
      row({ id: 990002, reference: 'ISO 9001:2015/Amd 1:2024/Cor 1', supplementType: 'Cor', currentStage: 3020, publicationDate: null }),
      row({ id: 990003, reference: 'ISO 9001:20150/Amd 1', supplementType: 'Amd', currentStage: 3020 }), // not '/'-bounded
      row({ id: 990004, reference: 'ISO 9001:2008/Amd 1:2012', supplementType: 'Amd', currentStage: 9599 }), // another edition's
      row({ id: 990005, reference: 'ISO 14001:2015', replaces: [62085, 46486], currentStage: 2000, supplementType: null }),
      row({ id: 990006, reference: 'ISO 9000:2015', replaces: [29280], currentStage: 6060 }),
      ...rows88821And88915(),
      row62085(),
      row({ id: 88464, reference: 'ISO/DIS 9001', currentStage: 4020, publicationDate: null }),
      row({ id: 46486, reference: 'ISO 9001:2008', currentStage: 9599 }),
    ];
    const got = await records(writeDump(lines), context({ documents: [62085] }));
    expect(ids(got).sort()).toEqual([62085, 88464, 990001, 990002, 990005].sort());
    expect(got.map((r) => r.key)).toEqual([...got.map((r) => r.key)].sort());
    // relations resolved from the rows of the same dump; a successor's status, not a predecessor's
    expect(got.find((r) => r.key === 'iso:62085')!.relations).toEqual([
      { kind: 'replaces', key: 'iso:46486', reference: 'ISO 9001:2008' },
      { kind: 'replaces', key: 'iso:54538', reference: 'iso:54538' },
      { kind: 'replaced-by', key: 'iso:88464', reference: 'ISO/DIS 9001', status: 'under-development' },
    ]);
    expect(JSON.stringify(got)).not.toContain('SCOPE-SENTINEL');
  });

  it('still reads the dump when a followed document is missing from it (the pipeline reports that as source health)', async () => {
    const outcome = await extractOpenData(writeDump([row62085()]), context({ documents: [62085, 81230] }));
    expect(outcome.kind).toBe('records');
    if (outcome.kind === 'records') expect(outcome.records.map((r) => r.key)).toEqual(['iso:62085']);
  });

  it('fails when the file is not the dump, or is incomplete', async () => {
    const ctx = context({ documents: [62085] });
    const full = `${rows88821And88915().join('\n')}\n${row62085()}\n`;
    const cases: Array<[string | string[], RegExp]> = [
      ['<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>\n', /not a JSON object/],
      ['', /no rows/],
      ['\n\n', /no rows/],
      [`[${row62085()}]\n`, /not a JSON object/],
      [['{"id":1,"name":"not a deliverable"}', row62085()], /no id, reference or currentStage/],
      [full.slice(0, full.length - 40), /cut short/], // truncated inside the last row
      [full.slice(0, full.length - 2), /cut short/], // the last row lost only its final brace: still ends in '}'
      [`${full}\u0000\u0001\u0002binary`, /cut short/],
    ];
    for (const [text, reason] of cases) expect(await failure(writeDump(text), ctx)).toMatch(reason);
  });

  it('ignores an odd row outside the scope (null id or reference) but fails on one inside it', async () => {
    const odd = (committee: string) =>
      JSON.stringify({ id: null, reference: null, currentStage: 6060, ownerCommittee: committee, scope: { en: 'SCOPE-SENTINEL' } });
    expect(await records(writeDump([odd('ISO/TC 1'), row62085()]), context({ documents: [62085] }))).toEqual([expected[62085]]);
    const reason = await failure(writeDump([odd('ISO/TC 176/SC 2'), row62085()]), context({ committees: ['ISO/TC 176/SC 2'] }));
    expect(reason).toMatch(/id is not a positive integer/);
    expect(reason).not.toContain('SCOPE-SENTINEL');
  });

  it('fails on an invalid row in scope, naming its id and never quoting its abstract', async () => {
    const parent = JSON.parse(row62085()) as Record<string, unknown>;
    const badStage = JSON.stringify({ ...parent, currentStage: 6061, scope: { en: 'SCOPE-SENTINEL' } });
    const reason = await failure(writeDump([badStage]), context({ documents: [62085] }));
    expect(reason).toMatch(/62085.*6061/);
    const badJson = `{"id":62085,"reference":"ISO 9001:2015","currentStage":6060,"scope":{"en":"SCOPE-SENTINEL x"} ,,}`;
    const reason2 = await failure(writeDump([badJson]), context({ documents: [62085] }));
    expect(reason2).toMatch(/not valid JSON/);
    expect(`${reason} ${reason2}`).not.toContain('SCOPE-SENTINEL');
  });

  it('fails on a row that gives a key twice (JSON.parse keeps the last value, the cheap look the first), in scope or related', async () => {
    const ctx = context({ documents: [62085] });
    const twice = row62085().replace('"currentStage":9092', '"currentStage":9092,"currentStage":9599');
    expect(twice).not.toBe(row62085());
    expect(await failure(writeDump([twice]), ctx)).toMatch(/line at byte 0 gives the key "currentStage" twice in one object/);
    // the same key spelt with an escape is the same key to JSON.parse
    const escaped = row62085().replace('"currentStage":9092', '"currentStage":9092,"\\u0063urrentStage":9599');
    expect(JSON.parse(escaped)).toMatchObject({ currentStage: 9599 });
    expect(await failure(writeDump([escaped]), ctx)).toMatch(/"currentStage" twice/);
    // inside the abstract's object too, and the reason never quotes it
    const inScope = JSON.stringify({ ...(JSON.parse(row62085()) as object), scope: { en: 'SCOPE-SENTINEL' } }).replace(
      '"en":"SCOPE-SENTINEL"',
      '"en":"SCOPE-SENTINEL a","en":"SCOPE-SENTINEL b"',
    );
    const reason = await failure(writeDump([inScope]), ctx);
    expect(reason).toMatch(/the key "en" twice/);
    expect(reason).not.toContain('SCOPE-SENTINEL');
    // the successor 62085's replacedBy names: a related row is read, so it must not say two things either
    const successor = (over: string) =>
      `{"id":88464,"reference":"ISO/DIS 9001",${over}"currentStage":4020,"ownerCommittee":"ISO/TC 176/SC 2","scope":{"en":"<p>SCOPE-SENTINEL-88464</p>"}}`;
    expect(await records(writeDump([row62085(), successor('')]), ctx)).toHaveLength(2);
    expect(await failure(writeDump([row62085(), successor('"reference":"ISO 9001:2026",')]), ctx)).toMatch(
      /row in scope: line at byte \d+ gives the key "reference" twice/,
    );
    // a predecessor named in replaces is read only for its reference
    const predecessor = (over: string) => `{"id":46486,"reference":"ISO 9001:2008",${over}"currentStage":9599,"ownerCommittee":"ISO/TC 176/SC 2","scope":null}`;
    const resolved = await records(writeDump([row62085(), predecessor('')]), ctx);
    expect(resolved[0]!.relations).toContainEqual({ kind: 'replaces', key: 'iso:46486', reference: 'ISO 9001:2008' });
    expect(await failure(writeDump([row62085(), predecessor('"reference":"ISO 9001:2000",')]), ctx)).toMatch(
      /related row 46486: line at byte \d+ gives the key "reference" twice/,
    );
  });

  it('does not take key-like text inside a value, or the same key in different objects, for a repeated key', async () => {
    const row = JSON.parse(row62085()) as Record<string, unknown>;
    const decoy = JSON.stringify({ ...row, scope: { en: '<p>"currentStage":9599,"id":1 SCOPE-SENTINEL</p>' } });
    expect(decoy).toContain('\\"currentStage\\":9599');
    expect(await records(writeDump([decoy]), context({ documents: [62085] }))).toEqual([expected[62085]]);
    // the real row itself has "en" in pages and in scope
    expect(row62085().match(/"en":/g)?.length).toBeGreaterThanOrEqual(2);
    expect(await records(writeDump([row62085()]), context({ documents: [62085] }))).toEqual([expected[62085]]);
  });

  it('fails when an id in scope comes twice with different facts, accepts an exact repeat', async () => {
    const parent = JSON.parse(row62085()) as Record<string, unknown>;
    const moved = JSON.stringify({ ...parent, currentStage: 9093 });
    expect(await failure(writeDump([row62085(), moved]), context({ documents: [62085] }))).toMatch(/62085 appears twice/);
    expect(await records(writeDump([row62085(), row62085()]), context({ documents: [62085] }))).toEqual([expected[62085]]);
  });
});

interface Transition {
  day: string;
  id: number;
  changes: Array<{ field: string; before: unknown; after: unknown }>;
  event: string;
}
interface Expected {
  days: string[];
  transitions: Transition[];
  out_of_scope_changes: Array<{ day: string; id: number }>;
}

describeWithFixtures('iso-opendata on the SC 42 replay', () => {
  const replay = (...parts: string[]): string => fixturePath('iso-opendata', join('sc42-replay', ...parts));
  const expected = (): Expected => JSON.parse(readFileSync(replay('expected.json'), 'utf8')) as Expected;
  const dayFile = (day: string): string => replay('days', `${day}.jsonl`);

  /** Each day extracted as the pipeline would: the keys reported the day before stay in scope. */
  let memo: Map<string, DocumentRecord[]> | undefined;
  async function allDays(): Promise<Map<string, DocumentRecord[]>> {
    if (memo) return memo;
    memo = new Map();
    let known = new Set<string>();
    for (const day of expected().days) {
      const got = await records(dayFile(day), context({ committees: [SC42], knownKeys: known }));
      memo.set(day, got);
      known = new Set(got.map((r) => r.key));
    }
    return memo;
  }

  // expected.json speaks in row fields; the record's names and types, written out here.
  function recordValue(record: DocumentRecord | undefined, field: string): unknown {
    switch (field) {
      case 'reference':
        return record?.reference ?? null;
      case 'currentStage':
        return record?.stage === undefined ? null : Number(record.stage.replace('.', ''));
      case 'publicationDate':
        return record?.publicationDate ?? null;
      case 'edition':
        return record?.edition ?? null;
      case 'icsCode':
        return record?.ics ?? [];
      case 'ownerCommittee':
        return record?.committee ?? null;
      case 'languages':
        return record?.languages ?? null;
      default:
        return undefined;
    }
  }
  const afterValue = (field: string, after: unknown): unknown => (field === 'icsCode' && after === null ? [] : after);

  it('baselines exactly the 39 SC 42 documents of the first day, no filler, no abstract', async () => {
    const { days, transitions } = expected();
    const first = (await allDays()).get(days[0]!)!;
    const baseline = transitions
      .filter((t) => t.day === days[0])
      .map((t) => t.id)
      .sort((a, b) => a - b);
    expect(baseline).toHaveLength(39);
    expect(ids(first).sort((a, b) => a - b)).toEqual(baseline);
    expect(ids(first).every((id) => id < 1_000_000)).toBe(true);
    expect(first.every((r) => r.committee === SC42 && r.title === undefined)).toBe(true);
    expect(JSON.stringify(first)).not.toContain('SCOPE-SENTINEL');
  });

  it("matches every transition's after-values, every day", async () => {
    const byDay = await allDays();
    const mapped = new Set(['reference', 'currentStage', 'publicationDate', 'edition', 'icsCode', 'ownerCommittee', 'languages']);
    let compared = 0;
    for (const t of expected().transitions) {
      const record = byDay.get(t.day)!.find((r) => r.key === `iso:${t.id}`);
      expect(record, `${t.day} iso:${t.id}`).toBeDefined();
      for (const change of t.changes.filter((c) => mapped.has(c.field))) {
        expect(recordValue(record, change.field), `${t.day} iso:${t.id} ${change.field}`).toEqual(afterValue(change.field, change.after));
        compared += 1;
      }
    }
    expect(compared).toBe(379); // every mapped field change in expected.json was compared
  });

  it('changes records on exactly the ids of each day’s transitions (neither invents nor loses a change)', async () => {
    const { days, transitions, out_of_scope_changes } = expected();
    const byDay = await allDays();
    const canonical = (list: DocumentRecord[]) => new Map(list.map((r) => [r.key, JSON.stringify(canonicalRecord(r))]));
    for (let i = 1; i < days.length; i += 1) {
      const before = canonical(byDay.get(days[i - 1]!)!);
      const after = canonical(byDay.get(days[i]!)!);
      const differing = [...new Set([...before.keys(), ...after.keys()])].filter((key) => before.get(key) !== after.get(key));
      const want = transitions.filter((t) => t.day === days[i]).map((t) => `iso:${t.id}`);
      expect(differing.sort(), days[i]).toEqual(want.sort());
    }
    const everKept = new Set([...byDay.values()].flatMap((list) => list.map((r) => r.key)));
    expect(out_of_scope_changes.length).toBeGreaterThan(0);
    for (const change of out_of_scope_changes) expect(everKept.has(`iso:${change.id}`)).toBe(false);
    expect(everKept.size).toBe(41);
  });

  it('keeps a known key of another committee in scope', async () => {
    const day = expected().days[0]!;
    const got = await records(dayFile(day), context({ committees: [SC42], knownKeys: new Set(['iso:1000648', 'iec:1000058']) }));
    expect(ids(got)).toContain(1000648);
    expect(ids(got)).not.toContain(1000058);
    expect(got).toHaveLength(40);
  });

  it('is not fooled by row-like text inside an abstract', async () => {
    const day = expected().days[0]!;
    const lines = readFileSync(dayFile(day), 'utf8').trim().split('\n');
    const filler = JSON.parse(lines.find((l) => l.includes('"id":1000'))!) as Record<string, unknown>;
    const decoy = {
      ...filler,
      id: 1000999,
      scope: { en: `<p>"id":81230,"ownerCommittee":"${SC42}","replaces":[81230],"supplementType":"Amd" SCOPE-SENTINEL</p>` },
    };
    const plain = await records(dayFile(day), context({ committees: [SC42], documents: [81230] }));
    const fooled = await records(writeDump([JSON.stringify(decoy), ...lines]), context({ committees: [SC42], documents: [81230] }));
    expect(fooled).toEqual(plain);
  });

  it('reads CRLF line ends and lines that straddle read chunks the same way', async () => {
    const day = expected().days[0]!;
    const lines = readFileSync(dayFile(day), 'utf8').trim().split('\n');
    const plain = await records(dayFile(day), context({ committees: [SC42], documents: [81230] }));
    expect(await records(writeDump(`${lines.join('\r\n')}\r\n`), context({ committees: [SC42], documents: [81230] }))).toEqual(plain);
    // ~3 MB: out-of-scope rows of uneven length between the real ones push rows across 1 MiB chunks
    const padded = lines.flatMap((line, i) => [
      line,
      JSON.stringify({
        id: 2_000_000 + i,
        reference: `ISO ${i}`,
        currentStage: 6060,
        ownerCommittee: 'ISO/TC 1',
        scope: { en: 'x'.repeat(1000 + ((i * 7919) % 4000)) },
      }),
    ]);
    expect(await records(writeDump(padded), context({ committees: [SC42], documents: [81230] }))).toEqual(plain);
    // the abstract moved before the other keys: the cheap look must not lose the committee
    const scopeFirst = lines.map((line) => {
      const { scope, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify({ scope, ...rest });
    });
    expect(await records(writeDump(scopeFirst), context({ committees: [SC42], documents: [81230] }))).toEqual(plain);
  });
});
