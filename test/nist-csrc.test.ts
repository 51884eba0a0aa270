import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeflateRaw } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { recordSchema, type DocumentRecord } from '../src/model/record.js';
import type { Transition } from '../src/model/rule.js';
import { csrcDocumentUrl, csrcOptionsSchema, extractCsrc, nistCsrc, readCatalogue, type CsrcOptions } from '../watchers/nist-csrc/index.js';
import { keyOfIdentifier } from '../watchers/nist-csrc/identifier.js';
import { classify, NIST_RULES, refines, unlistedRecord } from '../watchers/nist-csrc/rules.js';
import { readZipEntry } from '../watchers/nist-csrc/zip.js';
import type { ExtractOutcome } from '../watchers/kind.js';
import { makeZip } from './helpers/make-zip.js';
import { loadNistReplay, NIST_MANIFEST, zipPath } from './helpers/nist-replay.js';
import { FIXTURES_DIR, describeWithFixtures } from './fixtures.js';

// The nist-csrc kind: its declaration, the key normalisation, the zip reader against hostile zips
// built here at run time, and the real CSRC exports of ../shared/fixtures/nist/pubs-export.

const nistPresent = existsSync(NIST_MANIFEST);
const NIST_MISSING = `NIST recordings not found at ${join(FIXTURES_DIR, 'nist')} (set REGWATCH_FIXTURES or put ../shared beside the checkout): skipping`;
if (!nistPresent) console.warn(NIST_MISSING);

const tmp = mkdtempSync(join(tmpdir(), 'regwatch-nist-csrc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let count = 0;
function writeTemp(bytes: Buffer | string, ext = 'zip'): string {
  const path = join(tmp, `f-${(count += 1)}.${ext}`);
  writeFileSync(path, bytes);
  return path;
}

const DEVELOPER = [
  'SP 800-218A',
  'SP 800-237',
  'CSWP 31',
  'FIPS 203',
  'FIPS 204',
  'FIPS 205',
  'CSWP 29',
  'SP 800-171 Rev. 3',
  'SP 800-63-4',
  'SP 800-226',
  'SP 800-61 Rev. 3',
  'SP 800-55 Vol. 1',
  'SP 800-228',
  'SP 800-53 Rev. 5',
  'SP 800-171 Rev. 2',
  'SP 800-207',
  'SP 800-218',
  'SP 800-160 Vol. 2',
  'SP 800-161 Rev. 1',
];

function context(options: CsrcOptions, knownKeys: Iterable<string> = []) {
  return { url: 'https://csrc.nist.gov/CSRC/media/feeds/metanorma/pubs-export.zip', options, knownKeys: new Set(knownKeys), scope: { keys: [], groups: [] } };
}

async function records(path: string, options: CsrcOptions, known: Iterable<string> = []): Promise<DocumentRecord[]> {
  const outcome = await extractCsrc(path, context(options, known));
  if (outcome.kind !== 'records') throw new Error(`${path}: ${outcome.kind}: ${outcome.reason}`);
  return outcome.records;
}

function transition(before: DocumentRecord, after: DocumentRecord, watched: string[] = []): Transition {
  return {
    before,
    after,
    changes: [],
    context: { requirements: false, watchedKeys: new Set(watched), requirementsKeys: new Set(), requirementsReferences: new Set(), family: null },
  };
}

describe('nist-csrc declaration', () => {
  it('declares id, version, publisher, public-domain licence with NIST’s notice, input and limit', () => {
    expect(nistCsrc).toMatchObject({ id: 'nist-csrc', version: '1', publisher: 'NIST', input: 'file', maxResponseBytes: 10_000_000 });
    expect(nistCsrc.licence).toEqual({
      tag: 'public-domain',
      rights: 'U.S. Government work, not subject to copyright in the U.S.',
      attribution: 'Source: NIST',
    });
    expect(nistCsrc.rules.length).toBeGreaterThanOrEqual(6);
  });

  it('takes documents and/or series, strictly, and names a bad entry', () => {
    expect(csrcOptionsSchema.parse({ documents: ['SP 800-218A', 'FIPS 203'] })).toEqual({ documents: ['SP 800-218A', 'FIPS 203'] });
    expect(csrcOptionsSchema.parse({ series: ['FIPS', 'SP 800'] })).toEqual({ series: ['FIPS', 'SP 800'] });
    const problems = (value: unknown) => {
      const parsed = csrcOptionsSchema.safeParse(value);
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems({})).toEqual([': name at least one of documents or series']);
    expect(problems({ documents: [], series: [] })).toEqual([': name at least one of documents or series']);
    expect(problems({ documents: ['SP 800-53 Rev. 5', 'SP800-53'] })[0]).toMatch(/^documents\.1: must be a NIST publication identifier/);
    expect(problems({ series: ['nist-sp'] })[0]).toMatch(/^series\.0:/);
    expect(problems({ documents: ['FIPS 203'], committees: ['x'] })[0]).toMatch(/committees|Unrecognized/i);
  });

  it('expects the keys of the documents it follows, once each', () => {
    const options = { documents: ['SP 800-53 Rev. 5', 'NIST.SP.800-53r5', 'CSWP 29'], series: ['FIPS' as const] };
    expect(nistCsrc.watches({ url: 'https://x', options }, new Set()).keys).toEqual(['nist:SP.800-53r5', 'nist:CSWP.29']);
  });

  it('links a publication to its CSRC page (a white paper, whose page has a title slug, to its DOI)', () => {
    const url = (key: string) => nistCsrc.documentUrl(key, { url: 'https://x', options: { documents: ['FIPS 203'] } });
    expect(url('nist:SP.800-218A')).toBe('https://csrc.nist.gov/pubs/sp/800/218/a/final');
    expect(url('nist:SP.800-53r5')).toBe('https://csrc.nist.gov/pubs/sp/800/53/r5/final');
    expect(url('nist:SP.800-63-4')).toBe('https://csrc.nist.gov/pubs/sp/800/63/4/final');
    expect(url('nist:SP.800-55v1')).toBe('https://csrc.nist.gov/pubs/sp/800/55/v1/final');
    expect(url('nist:SP.800-57pt1r5')).toBe('https://csrc.nist.gov/pubs/sp/800/57/pt1/r5/final');
    expect(url('nist:FIPS.203')).toBe('https://csrc.nist.gov/pubs/fips/203/final');
    expect(url('nist:FIPS.140-3')).toBe('https://csrc.nist.gov/pubs/fips/140-3/final');
    expect(url('nist:CSWP.29')).toBe('https://doi.org/10.6028/NIST.CSWP.29');
  });
});

describe('NIST identifiers → keys', () => {
  it('follows NIST’s DOI suffix conventions, whatever the wording, draft marker or case', () => {
    const table: Array<[string, string | null]> = [
      ['SP 800-53 Rev. 5', 'nist:SP.800-53r5'],
      ['SP 800-53 Rev. 5 (DRAFT)', 'nist:SP.800-53r5'],
      ['SP 800-53 Rev. 5 (Draft)', 'nist:SP.800-53r5'],
      ['NIST SP 800-53r5', 'nist:SP.800-53r5'],
      ['NIST.SP.800-53r5', 'nist:SP.800-53r5'],
      ['nist:SP.800-53r5', 'nist:SP.800-53r5'],
      ['SP 800-218A', 'nist:SP.800-218A'],
      ['sp 800-218a', 'nist:SP.800-218A'],
      ['FIPS 203', 'nist:FIPS.203'],
      ['FIPS 140-3 (Retired Draft)', 'nist:FIPS.140-3'],
      ['CSWP 29', 'nist:CSWP.29'],
      ['CSWP 39upd1', 'nist:CSWP.39'],
      ['White Paper NIST CSWP 13', 'nist:CSWP.13'],
      ['SP 800-55 Vol. 1', 'nist:SP.800-55v1'],
      ['SP 800-160 Vol. 2 Rev. 1', 'nist:SP.800-160v2r1'],
      ['SP 800-57 Part 1 Rev. 5', 'nist:SP.800-57pt1r5'],
      ['SP 800-63-4', 'nist:SP.800-63-4'],
      ['SP 800-63A-4 (Draft)', 'nist:SP.800-63A-4'],
      ['SP 800-28 Version 2', 'nist:SP.800-28ver2'],
      ['SP 800-40 Version 2.0', 'nist:SP.800-40ver2'],
      ['SP 800-21 E2', 'nist:SP.800-21e2'],
      ['SP 800-21 Second edition', 'nist:SP.800-21e2'],
      ['NISTIR 7298', 'nist:IR.7298'],
      ['IR 7298', 'nist:IR.7298'],
      ['SP 800-63B Suppl.', 'nist:SP.800-63Bsup'],
      ['NIST AI 100-2e2023 ipd', 'nist:AI.100-2e2023'],
      ['SP800-53', null],
      ['White Paper ', null],
      ['SP 800-53 Rev. 5 and more', null],
    ];
    for (const [identifier, key] of table) expect(keyOfIdentifier(identifier), identifier).toBe(key);
  });
});

describe('rules on hand-made records', () => {
  const base: DocumentRecord = {
    key: 'nist:SP.800-999',
    reference: 'SP 800-999',
    status: 'published',
    phase: 'published',
    stageLabel: 'final',
    version: 'final',
    publicationDate: '2024-01-10',
    relations: [
      { kind: 'version', reference: 'SP 800-999 ipd', stageLabel: 'ipd', status: 'withdrawn', date: '2023-05-01' },
      { kind: 'version', reference: 'SP 800-999 final', stageLabel: 'final', status: 'published', date: '2024-01-10' },
    ],
  };
  /** The same publication while its initial public draft was its only version. */
  const draft: DocumentRecord = {
    ...base,
    status: 'under-development',
    phase: 'enquiry',
    stageLabel: 'initial public draft',
    version: 'ipd',
    relations: [{ kind: 'version', reference: 'SP 800-999 ipd', stageLabel: 'ipd', status: 'under-development', date: '2023-05-01' }],
  };
  const lead = (t: Transition) => classify(NIST_RULES, t)[0];

  it('a final withdrawn with nothing superseding it is withdrawn, critical', () => {
    const after: DocumentRecord = {
      ...base,
      status: 'withdrawn',
      phase: 'withdrawn',
      stageLabel: 'withdrawn',
      dates: { withdrawal: '2025-07-01' },
      relations: base.relations!.map((r) => (r.stageLabel === 'final' ? { ...r, status: 'withdrawn' as const } : r)),
    };
    expect(lead(transition(base, after))).toEqual({ event: 'withdrawn', severity: 'critical', words: 'withdrawn on 2025-07-01, was final' });
  });

  it('an abandoned draft is draft-retired, minor', () => {
    const retired: DocumentRecord = {
      ...draft,
      status: 'deleted',
      phase: 'deleted',
      stageLabel: 'retired draft',
      dates: { withdrawal: '2024-10-25' },
      relations: [{ ...draft.relations![0]!, status: 'deleted' }],
    };
    expect(lead(transition(draft, retired))).toEqual({
      event: 'draft-retired',
      severity: 'minor',
      words: 'initial public draft retired on 2024-10-25, was initial public draft',
    });
  });

  it('a final is critical when it replaces a followed publication, major otherwise', () => {
    const final: DocumentRecord = { ...base, relations: [...base.relations!, { kind: 'replaces', key: 'nist:SP.800-998', reference: 'SP 800-998' }] };
    expect(lead(transition(draft, final, ['nist:SP.800-999', 'nist:SP.800-998']))).toMatchObject({
      event: 'final-published',
      severity: 'critical',
      words: 'final published 2024-01-10; supersedes SP 800-998, was initial public draft',
    });
    expect(lead(transition(draft, final, ['nist:SP.800-999']))).toMatchObject({ event: 'final-published', severity: 'major' });
  });

  it('a followed publication first listed is classified against the unlisted record', () => {
    expect(lead(transition(unlistedRecord('nist:SP.800-999'), base))).toEqual({
      event: 'final-published',
      severity: 'major',
      words: 'final published 2024-01-10, was not listed',
      publishedOn: '2024-01-10',
    });
  });

  it('a date made more precise is no change; a moved one is publication-date, info', () => {
    expect(refines('2023', '2023-01')).toBe(true);
    expect(refines('2023-01', '2023-01-17')).toBe(true);
    expect(refines('2023-10-31', '2024-09-26')).toBe(false);
    const precise = { ...base, relations: base.relations!.map((r) => (r.stageLabel === 'final' ? { ...r, date: '2024-01-10' } : r)) };
    const vague = { ...base, relations: base.relations!.map((r) => (r.stageLabel === 'final' ? { ...r, date: '2024' } : r)) };
    expect(classify(NIST_RULES, transition(vague, precise))).toEqual([]);
    const moved = { ...base, relations: base.relations!.map((r) => (r.stageLabel === 'final' ? { ...r, date: '2024-09-26' } : r)) };
    expect(lead(transition(base, moved))).toEqual({ event: 'publication-date', severity: 'info', words: 'final dated 2024-09-26, was 2024-01-10' });
  });

  it('a version relabelled (2pd → fpd, same date) is no new draft', () => {
    const draft = (label: string): DocumentRecord => ({
      ...base,
      relations: [{ kind: 'version', reference: `SP 800-999 ${label}`, stageLabel: label, status: 'withdrawn', date: '2023-05-01' }, base.relations![1]!],
    });
    expect(classify(NIST_RULES, transition(draft('2pd'), draft('fpd')))).toEqual([]);
  });
});

describe('the zip reader against hostile and broken zips (built here)', () => {
  const json = Buffer.from(JSON.stringify([{ docidentifier: 'FIPS 203', uri: 'https://csrc.nist.gov/pubs/fips/203/final' }]));
  const limits = { maxBytes: 50_000_000, maxRatio: 100 };

  async function deflatedZeros(total: number): Promise<Buffer> {
    const deflate = createDeflateRaw({ level: 9 });
    const out: Buffer[] = [];
    deflate.on('data', (c: Buffer) => out.push(c));
    const done = new Promise((resolve) => deflate.on('end', resolve));
    const chunk = Buffer.alloc(1 << 20);
    for (let written = 0; written < total; written += chunk.length) {
      if (!deflate.write(chunk)) await new Promise((resolve) => deflate.once('drain', resolve));
    }
    deflate.end();
    await done;
    return Buffer.concat(out);
  }

  it('reads a sound zip, deflated or stored, and hashes the JSON it holds', async () => {
    for (const method of [8, 0] as const) {
      const got = await readZipEntry(writeTemp(makeZip([{ name: 'pubs-export.json', data: json, method }])), 'pubs-export.json', limits);
      expect(got.kind).toBe('entry');
      if (got.kind === 'entry') expect(got.bytes.equals(json)).toBe(true);
    }
  });

  it('refuses a bomb that declares more than the cap, without inflating it', async () => {
    const path = writeTemp(makeZip([{ name: 'pubs-export.json', compressed: await deflatedZeros(2 << 20), declaredSize: 100_000_000 }]));
    const got = await readZipEntry(path, 'pubs-export.json', limits);
    expect(got).toEqual({ kind: 'unreadable', reason: expect.stringMatching(/declares 100 MB inflated, over the 50 MB cap/) });
  });

  it('refuses a compression ratio beyond reason', async () => {
    const bomb = await deflatedZeros(40 << 20); // ~40 kB that inflate to 40 MB: 1000:1
    const path = writeTemp(makeZip([{ name: 'pubs-export.json', compressed: bomb, declaredSize: 40 << 20 }]));
    expect(await readZipEntry(path, 'pubs-export.json', limits)).toEqual({
      kind: 'unreadable',
      reason: expect.stringMatching(/compression ratio of \d+:1, beyond the 100:1/),
    });
  });

  it('stops a bomb whose header lies the moment it inflates past the declared size: bounded in time and memory', async () => {
    const bomb = await deflatedZeros(300 << 20); // 300 MB of zeros in ~300 kB, declared as 2 MB (ratio ~7: passes)
    const path = writeTemp(makeZip([{ name: 'pubs-export.json', compressed: bomb, declaredSize: 2_000_000 }]));
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    const got = await extractCsrc(path, context({ documents: ['FIPS 203'] }));
    expect(got).toEqual({ kind: 'unreadable', reason: expect.stringMatching(/^nist-csrc: pubs-export\.json inflates past its declared 2000000 bytes/) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(100_000_000);
  });

  it('calls a body that is not a zip, an empty one, a cut one or a corrupt one unreadable', async () => {
    const sound = makeZip([{ name: 'pubs-export.json', data: json }]);
    const cases: Array<[Buffer | string, RegExp]> = [
      ['<!DOCTYPE html><html><body>Service Unavailable</body></html>', /not a zip archive/],
      ['', /not a zip archive/],
      [sound.subarray(0, sound.length - 30), /no end of central directory|cut short/],
      [makeZip([{ name: 'pubs-export.json', data: json, crc: 12345 }]), /CRC-32/],
      [
        makeZip([{ name: 'pubs-export.json', compressed: Buffer.from('not deflate data at all'), declaredSize: 100 }]),
        /does not inflate|inflated to|inflates past/,
      ],
    ];
    for (const [body, reason] of cases) {
      const got = await extractCsrc(writeTemp(body), context({ documents: ['FIPS 203'] }));
      expect(got.kind, String(reason)).toBe('unreadable');
      if (got.kind === 'unreadable') expect(got.reason).toMatch(reason);
    }
  });

  it('calls a sound zip without pubs-export.json, or with invalid JSON, extraction-failed', async () => {
    const cases: Array<[Buffer, RegExp]> = [
      [makeZip([{ name: 'readme.txt', data: Buffer.from('hello') }]), /holds no pubs-export\.json \(it holds readme\.txt\)/],
      [makeZip([{ name: 'pubs-export.json', data: Buffer.from('[{"docidentifier": "FIPS 203",') }]), /not valid JSON/],
      [makeZip([{ name: 'pubs-export.json', data: Buffer.from('{"records": []}') }]), /not a list of records/],
      [makeZip([{ name: 'pubs-export.json', data: json, method: 12 }]), /compression method 12/],
      [makeZip([{ name: 'pubs-export.json', data: json, flags: 1 }]), /encrypted/],
    ];
    for (const [zip, reason] of cases) {
      const got = await extractCsrc(writeTemp(zip), context({ documents: ['FIPS 203'] }));
      expect(got.kind, String(reason)).toBe('extraction-failed');
      if (got.kind === 'extraction-failed') expect(got.reason).toMatch(reason);
    }
  });
});

describeWithFixtures(`nist-csrc on the recorded CSRC exports${nistPresent ? '' : ` (${NIST_MISSING})`}`, () => {
  const replay = () => loadNistReplay();
  const day = (label: string) => zipPath(`nist-pubs-export-${label}.zip`);

  it('unzips every recorded export to the very JSON recorded (its SHA-256), zips re-made around it included', async () => {
    for (const d of replay().days) {
      const got = await readZipEntry(zipPath(d.file), 'pubs-export.json', { maxBytes: 50_000_000, maxRatio: 100 });
      expect(got.kind === 'entry' && got.sha256, d.file).toBe(d.jsonSha256);
    }
  });

  it('gives the same records for a zip rebuilt around identical JSON (the noise days)', async () => {
    for (const noise of replay().noise_days) {
      expect(readFileSync(day(noise.day)).equals(readFileSync(day(noise.previous_day)))).toBe(false);
      expect(await records(day(noise.day), { documents: DEVELOPER })).toEqual(await records(day(noise.previous_day), { documents: DEVELOPER }));
    }
  });

  it('reads SP 800-218A as one publication with its versions (2026-08-14)', async () => {
    const [record] = await records(day('2026-08-14'), { documents: ['SP 800-218A'] });
    expect(record).toEqual({
      key: 'nist:SP.800-218A',
      reference: 'SP 800-218A',
      title: 'Secure Software Development Practices for Generative AI and Dual-Use Foundation Models: An SSDF Community Profile',
      status: 'published',
      phase: 'published',
      stageLabel: 'final (update 1)',
      version: 'upd1',
      publicationDate: '2025-06-02',
      dates: { issued: '2024-07', updated: '2025-06-02' },
      relations: [
        { kind: 'version', reference: 'SP 800-218A ipd', stageLabel: 'ipd', status: 'withdrawn', date: '2024-04-29' },
        { kind: 'version', reference: 'SP 800-218A final', stageLabel: 'final', status: 'published', date: '2024-07-26' },
        { kind: 'version', reference: 'SP 800-218A upd1', stageLabel: 'upd1', status: 'published', date: '2025-06-02' },
      ],
    });
    expect(recordSchema.parse(record)).toEqual(record);
  });

  it('reads a draft under comment, a superseded revision and its successor (2024-07-11 / 2023-12-18)', async () => {
    const open = await records(day('2023-12-18'), { documents: ['SP 800-171 Rev. 3'] });
    expect(open[0]).toMatchObject({
      status: 'under-development',
      phase: 'enquiry',
      stageLabel: 'final public draft',
      version: 'fpd',
      dates: { commentFrom: '2023-11-09', commentTo: '2024-01-26' },
    });
    const [rev2, rev3] = await records(day('2024-07-11'), { documents: ['SP 800-171 Rev. 2', 'SP 800-171 Rev. 3'] });
    expect(rev2).toMatchObject({ key: 'nist:SP.800-171r2', status: 'withdrawn', phase: 'withdrawn', dates: { withdrawal: '2024-05-14', issued: '2020-02' } });
    expect(rev2!.relations).toContainEqual({ kind: 'replaced-by', key: 'nist:SP.800-171r3', reference: 'SP 800-171 Rev. 3' });
    expect(rev3!.relations).toContainEqual({ kind: 'replaces', key: 'nist:SP.800-171r2', reference: 'SP 800-171 Rev. 2' });
    expect(rev3).toMatchObject({ status: 'published', version: 'final', publicationDate: '2024-05-14' });
  });

  it('reads a publication the same on both sides of the 2023 URL migration', async () => {
    // 2023-01-14 is the last export before the migration, 2023-09-02 the first full one after it.
    // Only two followed publications changed in those eight months, both for real: SP 800-63-4's
    // comment period was extended, and SP 800-161 Rev. 1 now names the SP 800-161 it replaces.
    const before = new Map((await records(day('2023-01-14'), { documents: DEVELOPER })).map((r) => [r.key, r]));
    const after = new Map((await records(day('2023-09-02'), { documents: DEVELOPER })).map((r) => [r.key, r]));
    const changed = [...before.keys()].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k)));
    expect([...before.keys()].sort()).toEqual([
      'nist:SP.800-160v2',
      'nist:SP.800-161r1',
      'nist:SP.800-171r2',
      'nist:SP.800-207',
      'nist:SP.800-218',
      'nist:SP.800-53r5',
      'nist:SP.800-63-4',
    ]);
    expect(changed.sort()).toEqual(['nist:SP.800-161r1', 'nist:SP.800-63-4']);
    expect(after.get('nist:SP.800-63-4')!.dates).toEqual({ commentFrom: '2022-12-16', commentTo: '2023-04-14' });
    expect({ ...after.get('nist:SP.800-161r1')!, relations: after.get('nist:SP.800-161r1')!.relations!.filter((r) => r.kind === 'version') }).toEqual(
      before.get('nist:SP.800-161r1'),
    );
  });

  it('reads the whole catalogue (SP, FIPS, CSWP) of every export, keys unique, the migration no mass removal', async () => {
    const keysOf = new Map<string, Set<string>>();
    for (const d of replay().days) {
      const got = await records(zipPath(d.file), { series: ['SP', 'FIPS', 'CSWP'] });
      expect(new Set(got.map((r) => r.key)).size, d.file).toBe(got.length);
      keysOf.set(d.label, new Set(got.map((r) => r.key)));
    }
    const gone = [...keysOf.get('2023-01-14')!].filter((k) => !keysOf.get('2023-09-02')!.has(k));
    // CSRC renamed a handful in the migration (SP 800-27 Rev. A → "Revision (r)", the SP 800-38A
    // addendum → a supplement, SP 800-22 Rev. 1a folded into Rev. 1): not 700 removals.
    expect(gone.length).toBeLessThan(10);
    expect(keysOf.get('2023-09-02')!.size).toBeGreaterThan(480);
  });

  it('ignores CSRC’s -(n) ghost records that flip draft ↔ final (SP 800-171 Rev. 3, 2023-09)', async () => {
    const days = ['2023-09-02', '2023-09-06', '2023-09-19', '2023-09-21', '2023-10-04', '2023-10-15'];
    const seen = await Promise.all(days.map(async (d) => JSON.stringify(await records(day(d), { documents: ['SP 800-171 Rev. 3'] }))));
    expect(new Set(seen).size).toBe(1);
  });

  it('a successor CSRC renamed in place is no new edition (2022-12: "SP 800-56A Revised" became "SP 800-56A Rev. 1")', async () => {
    const documents = ['SP 800-56A', 'SP 800-90', 'SP 800-57 Part 1'];
    const before = await records(day('2022-08-20'), { documents });
    const after = await records(day('2022-12-01'), { documents });
    const renamed = after.filter((record) => {
      const earlier = before.find((b) => b.key === record.key);
      return earlier !== undefined && JSON.stringify(earlier.relations) !== JSON.stringify(record.relations);
    });
    expect(renamed.map((r) => r.key).sort()).toEqual(['nist:SP.800-56A', 'nist:SP.800-57pt1', 'nist:SP.800-90']);
    const earlierOf = (record: DocumentRecord) => before.find((b) => b.key === record.key)!;
    for (const record of renamed) expect(classify(NIST_RULES, transition(earlierOf(record), record))).toEqual([]);
    // A successor exchanged for another publication is a new supersession, not a rename.
    const elsewhere = { ...renamed[0]!, relations: [{ kind: 'replaced-by' as const, key: 'nist:SP.900-1', reference: 'SP 900-1' }] };
    expect(classify(NIST_RULES, transition(earlierOf(renamed[0]!), elsewhere))[0]).toMatchObject({ event: 'new-edition', words: 'superseded by SP 900-1' });
  });

  it('ignores DOIs, authors and keywords: a placeholder draft changes only when it gets its date and comment period', async () => {
    const [before] = await records(day('2023-10-15'), { documents: ['SP 800-226'] });
    const [after] = await records(day('2023-12-18'), { documents: ['SP 800-226'] });
    expect(before!.dates).toBeUndefined();
    expect(classify(NIST_RULES, transition(before!, after!))).toEqual([
      { event: 'draft-released', severity: 'minor', words: 'initial public draft released 2023-12-11, comments until 2024-01-25, listed before as 2023-06-30' },
    ]);
  });

  it('links every SP and FIPS publication to the CSRC page of its final (2026-08-14)', async () => {
    const entry = await readZipEntry(day('2026-08-14'), 'pubs-export.json', { maxBytes: 50_000_000, maxRatio: 100 });
    if (entry.kind !== 'entry') throw new Error(entry.reason);
    const list = JSON.parse(entry.bytes.toString('utf8')) as Array<{ uri: string; status: string }>;
    const finalPages = new Set(list.filter((r) => r.status === 'final' && /\/final$/.test(r.uri)).map((r) => r.uri));
    const withFinal = (await records(day('2026-08-14'), { series: ['SP', 'FIPS'] })).filter((r) => r.relations!.some((v) => v.stageLabel === 'final'));
    expect(withFinal.length).toBeGreaterThan(400);
    const wrong = withFinal.filter((r) => !finalPages.has(csrcDocumentUrl(r.key))).map((r) => r.reference);
    // CSRC's own slips: "SP 800-57 Rev. 6" lives under …/57/pt1/r6, "SP 800-27 Revision (r)" under …/27/r
    expect(wrong.length, wrong.join(', ')).toBeLessThan(5);
  });

  it('does not see a white paper’s new URL slug, nor a DOI added or dropped', async () => {
    const entry = await readZipEntry(day('2024-09-24'), 'pubs-export.json', { maxBytes: 50_000_000, maxRatio: 100 });
    if (entry.kind !== 'entry') throw new Error(entry.reason);
    const list = JSON.parse(entry.bytes.toString('utf8')) as Array<Record<string, unknown>>;
    const reslugged = list.map((r) => (r.docidentifier === 'CSWP 31' ? { ...r, uri: String(r.uri).replace('critical-ai', 'cais'), doi: null } : r));
    const options = { documents: ['CSWP 31'] };
    const plain = readCatalogue(entry.bytes, context(options));
    expect(plain.kind === 'records' && plain.records).toHaveLength(1);
    expect(readCatalogue(Buffer.from(JSON.stringify(reslugged)), context(options))).toEqual(plain);
  });

  it('makes a supplement or a part filed under its parent’s identifier a publication of its own', async () => {
    const keys = (await records(day('2026-08-14'), { series: ['SP 800'] })).map((r) => r.key);
    expect(keys).toEqual(
      expect.arrayContaining(['nist:SP.800-63B', 'nist:SP.800-63Bsup', 'nist:SP.800-73-5pt1', 'nist:SP.800-73-5pt2', 'nist:SP.800-73-5pt3']),
    );
    expect(csrcDocumentUrl('nist:SP.800-73-5pt2')).toBe('https://csrc.nist.gov/pubs/sp/800/73/pt2/5/final');
  });

  it('follows a whole series', async () => {
    const fips = await records(day('2026-08-14'), { series: ['FIPS'] });
    expect(fips.length).toBeGreaterThan(50);
    expect(fips.every((r) => r.key.startsWith('nist:FIPS.'))).toBe(true);
    expect(fips.map((r) => r.key)).toContain('nist:FIPS.203');
  });

  it('calls the partial export of 2023-08-19 unreadable, never withdrawals', async () => {
    const anomaly = replay().anomalies[0]!;
    const known = (await records(day('2023-01-14'), { documents: DEVELOPER })).map((r) => r.key);
    for (const knownKeys of [known, []]) {
      const got = await extractCsrc(zipPath(anomaly.file), context({ documents: DEVELOPER }, knownKeys));
      expect(got).toEqual({ kind: 'unreadable', reason: expect.stringMatching(/^nist-csrc: partial export: 37 records \(FIPS \d+, CSWP \d+\)/) });
    }
  });

  it('calls an export that lost most of the publications it reported before unreadable; one lost is the pipeline’s source health', async () => {
    const full = await readZipEntry(day('2023-09-02'), 'pubs-export.json', { maxBytes: 50_000_000, maxRatio: 100 });
    if (full.kind !== 'entry') throw new Error(full.reason);
    const list = JSON.parse(full.bytes.toString('utf8')) as Array<{ docidentifier: string }>;
    const without = (...ids: string[]) =>
      Buffer.from(JSON.stringify(list.filter((r) => !ids.some((id) => keyOfIdentifier(r.docidentifier) === keyOfIdentifier(id)))));
    const known = ['nist:SP.800-53r5', 'nist:SP.800-207', 'nist:FIPS.203'];
    const lost = readCatalogue(without('SP 800-53 Rev. 5', 'SP 800-207'), context({ documents: ['FIPS 203'] }, known)) as ExtractOutcome;
    expect(lost).toEqual({
      kind: 'unreadable',
      reason: expect.stringMatching(/partial export: 2 of the 3 publications this source reported before are missing \(nist:SP\.800-53r5, nist:SP\.800-207\)/),
    });
    const one = readCatalogue(without('SP 800-207'), context({ documents: ['SP 800-207', 'SP 800-53 Rev. 5', 'FIPS 203'] }, known));
    expect(one.kind === 'records' && one.records.map((r) => r.key)).toEqual(['nist:FIPS.203', 'nist:SP.800-53r5']);
  });

  it('fails on a followed record it cannot read, naming it; ignores an odd element elsewhere', async () => {
    const full = await readZipEntry(day('2023-09-02'), 'pubs-export.json', { maxBytes: 50_000_000, maxRatio: 100 });
    if (full.kind !== 'entry') throw new Error(full.reason);
    const list = JSON.parse(full.bytes.toString('utf8')) as Array<Record<string, unknown>>;
    const odd = Buffer.from(JSON.stringify([...list, null, 42, { title: 'not a record' }]));
    expect(readCatalogue(odd, context({ documents: ['FIPS 203'] })).kind).toBe('records');
    const bad = Buffer.from(JSON.stringify(list.map((r) => (r.uri === 'https://csrc.nist.gov/pubs/fips/203/ipd' ? { ...r, substage: 'archived' } : r))));
    expect(readCatalogue(bad, context({ documents: ['FIPS 203'] }))).toEqual({
      kind: 'extraction-failed',
      reason: 'nist-csrc: https://csrc.nist.gov/pubs/fips/203/ipd: substage "archived" is not active, withdrawn or retired',
    });
  });
});
