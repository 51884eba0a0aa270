import { readdirSync } from 'node:fs';
import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import { canonicalRecord, type DocumentRecord, type Status } from '../src/model/record.js';
import { diffRecords } from '../src/rules/diff.js';
import { extractIsoPage } from '../watchers/iso-page/extract.js';
import { isoPageWatcher } from '../watchers/iso-page/index.js';
import { describeWithFixtures, fixturePath, itHasRows, isoPageRows, readFixture, type ManifestRow } from './fixtures.js';
import { HOSTILE_INPUTS, runHostileInputs } from './hostile-inputs.js';

// The oracle is the manifest of recorded real iso.org pages (../shared/fixtures): its expected
// metadata and its `change` column, read off the pages by hand. Where the manifest is wrong by the
// page's own evidence, the row is listed below with that evidence instead of bending the test.

const KNOWN_MANIFEST_DISCREPANCIES: Readonly<Record<string, { claim: string; pageEvidence: string }>> = {
  'iso-63598-2020-01-22.html': {
    claim: 'ICS links: 01.040,01.040.35,35.020 → 01.040.35,35.020',
    pageEvidence:
      'iso-63598-2019-01-04.html has 01.040 only in the breadcrumb (`<li><a href="/en/ics/01.040.html">01.040</a></li>`); ' +
      'its ICS row links /ics/01.040.35.html and /ics/35.020.html, the same two codes as 2020-01-22. The ICS row did not change.',
  },
  'iso-27001-flagship-2023-10-19.html': {
    claim: 'no related-document change (markup era only)',
    pageEvidence:
      'iso-27001-flagship-2023-05-18.html lists "Previous editions" as unlinked `<h5>ISO/IEC 27001:2013</h5>` (and 27001:2005); ' +
      '2023-10-19 links them (`<a href="/contents/data/standard/05/45/54534.html">ISO/IEC 27001:2013</a>`), so the records gain keys. ' +
      'The diff matches a linked relation with the unlinked one of the same reference, so no change is reported but the 2005 one dropped.',
  },
};

const STATUS_WORDS: Readonly<Record<string, Status>> = {
  Published: 'published',
  'Under development': 'under-development',
  Withdrawn: 'withdrawn',
  Deleted: 'deleted',
};

function extract(row: ManifestRow): DocumentRecord {
  const outcome = extractIsoPage(readFixture(row.dir, row.file), { url: row.url });
  if (outcome.kind !== 'records') throw new Error(`${row.file}: ${outcome.kind}: ${outcome.reason}`);
  expect(outcome.records).toHaveLength(1);
  return outcome.records[0]!;
}

/** "80874=ISO/WD 19115-3 [Under development]", the manifest's way of writing a related document. */
function relatedEntries(record: DocumentRecord): Set<string> {
  const words = Object.fromEntries(Object.entries(STATUS_WORDS).map(([word, status]) => [status, word]));
  return new Set(
    (record.relations ?? [])
      .filter((relation) => relation.key !== undefined)
      .map((relation) => `${relation.key!.slice('iso:'.length)}=${relation.reference} [${words[relation.status ?? ''] ?? '?'}]`),
  );
}

function manifestRelated(change: string, sign: '+' | '-', ownKey: string): string[] {
  const ownId = ownKey.slice('iso:'.length);
  return [...change.matchAll(/([+-])related (.+?)(?=;|$| — )/g)]
    .filter((match) => match[1] === sign)
    .map((match) => match[2]!.trim())
    .filter((entry) => !entry.startsWith(`${ownId}=`)); // a page listing itself is not a relation
}

describeWithFixtures('iso-page watcher on recorded iso.org pages', () => {
  const rows = isoPageRows();
  const rowByFile = new Map(rows.map((row) => [row.file, row]));

  function recordOf(file: string): DocumentRecord {
    const row = rowByFile.get(file);
    if (row === undefined) throw new Error(`${file} is not in the manifest`);
    return extract(row);
  }

  /** Consecutive recordings of the same page (manifest order is recording order within a group). */
  function consecutivePairs(): Array<[ManifestRow, ManifestRow]> {
    return rows.flatMap((row, i) => {
      const previous = rows[i - 1];
      return previous !== undefined && previous.group === row.group ? [[previous, row] as [ManifestRow, ManifestRow]] : [];
    });
  }

  itHasRows('iso.org rows in manifest.json', rows, 84);

  it('has a manifest row for every recorded iso.org page', () => {
    const pages = readdirSync(fixturePath('iso-pages', '')).filter((file) => file.endsWith('.html'));
    expect(pages.length).toBeGreaterThanOrEqual(82);
    expect(pages.filter((file) => !rowByFile.has(file))).toEqual([]);
  });

  describe('metadata matches the manifest on every era, language and browser-saved page', () => {
    it.each(rows.map((row) => [row.file, row] as const))('%s', (_file, row) => {
      const record = extract(row);
      const expected = row.metadata;
      expect(record.reference).toBe(expected.reference);
      expect(record.status).toBe(STATUS_WORDS[expected.status ?? '']);
      expect(record.stage).toBe(expected.stage);
      expect(record.edition).toBe(expected.edition == null ? undefined : Number(expected.edition));
      expect(record.publicationDate).toBe(expected.publicationDate ?? undefined);
      expect(record.pages).toBe(expected.pages == null ? undefined : Number(expected.pages));
      expect(record.key).toMatch(/^iso:\d+$/);
    });
  });

  it('keys every page on its csnumber, the flagship /standard/27001 page on the csnumber it declares', () => {
    for (const row of rows) {
      const expectedKey = row.file.startsWith('iso-27001-flagship') ? 'iso:82875' : row.group.replace(/:(fr|browserdom)$/, '');
      expect(extract(row).key, row.file).toBe(expectedKey);
    }
  });

  it("takes stageDate from the life cycle's date of the current stage, which meta[name=pubdate] repeats on every page but one", () => {
    expect(recordOf('iso-53798-2019-01-23.html').stageDate).toBe('2019-01-15');
    expect(recordOf('iso-85870-2023-07-11.html').stageDate).toBe('2023-07-07');
    for (const row of rows) {
      const meta = load(readFixture(row.dir, row.file))('meta[name=pubdate]')
        .attr('content')
        ?.replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');
      if (row.file !== 'iso-27001-flagship-2023-05-18.html') expect(extract(row).stageDate, row.file).toBe(meta);
    }
    // The flagship template of 2023-05-18 wrote its own re-publication day (20230413) into the meta;
    // its life cycle, and the meta of the next recording, date 60.60 on 2022-10-25.
    expect(['iso-27001-flagship-2023-05-18.html', 'iso-27001-flagship-2023-10-19.html'].map((file) => recordOf(file).stageDate)).toEqual([
      '2022-10-25',
      '2022-10-25',
    ]);
  });

  it('falls back to meta[name=pubdate] when the life cycle gives the current stage no date', () => {
    const row = rowByFile.get('iso-53798-2019-01-23.html')!;
    const page = readFixture(row.dir, row.file);
    const undated = page.replace(/(<span class="stage-code">\s*(?:<strong>)?90\.20(?:<\/strong>)?\s*<\/span>\s*<span class="stage-date">)2019-01-15/g, '$1');
    expect(undated).not.toBe(page);
    const outcome = extractIsoPage(undated.replace('content="20190115"', 'content="20190116"'), { url: row.url });
    expect(outcome.kind === 'records' && outcome.records[0]!.stageDate).toBe('2019-01-16');
  });

  it('a related document the page starts linking is the same relation (markup, no change): the flagship of 2023-10-19 only drops 27001:2005', () => {
    const [before, after] = [recordOf('iso-27001-flagship-2023-05-18.html'), recordOf('iso-27001-flagship-2023-10-19.html')];
    expect(diffRecords(before, after)).toEqual([{ field: 'relations.replaces', before: 'ISO/IEC 27001:2005 (withdrawn)', after: null }]);
  });

  it('reads committee, ICS and title the way each page shows them', () => {
    expect(recordOf('iso-27001-flagship-2023-11-14.html')).toMatchObject({
      committee: 'ISO/IEC JTC 1/SC 27',
      ics: ['35.030', '03.100.70'],
      title: 'Information security, cybersecurity and privacy protection — Information security management systems — Requirements',
    });
    expect(recordOf('iso-23281-2019-07-29.html')).toMatchObject({ committee: 'ISO/TC 45/SC 3', ics: ['83.040.10'] });
    expect(recordOf('iso-23281-fr-browserdom-2024-08-15.html').title).toBe('Latex de caoutchouc — Échantillonnage');
    expect(recordOf('iso-23281-browserdom-2024-08-15.html').title).toBe('Rubber latex — Sampling');
  });

  describe('relations follow the manifest change column', () => {
    it.each(consecutivePairs().map(([before, after]) => [after.file, before, after] as const))('%s', (_file, before, after) => {
      const discrepancy = KNOWN_MANIFEST_DISCREPANCIES[after.file];
      const [old, now] = [relatedEntries(extract(before)), relatedEntries(extract(after))];
      const added = [...now].filter((entry) => !old.has(entry)).sort();
      const removed = [...old].filter((entry) => !now.has(entry)).sort();
      const key = extract(after).key;
      if (discrepancy?.claim.includes('related') === true) {
        expect(added.length + removed.length, discrepancy.pageEvidence).toBeGreaterThan(0);
        return;
      }
      expect(added).toEqual(manifestRelated(after.change, '+', key).sort());
      expect(removed).toEqual(manifestRelated(after.change, '-', key).sort());
    });

    it('flagship 27001 gains the amendment under development on 2023-11-14', () => {
      const amendment = { kind: 'amendment', key: 'iso:88435', reference: 'ISO/IEC 27001:2022/Amd 1', status: 'under-development' };
      expect(recordOf('iso-27001-flagship-2023-11-14.html').relations).toContainEqual(amendment);
      expect(recordOf('iso-27001-flagship-2023-10-19.html').relations?.some((r) => r.key === 'iso:88435')).toBe(false);
    });

    it('ISO/TS 19115-3:2016 is replaced by iso:80874 as it moves WD → CD → DIS → PRF → IS, then withdrawn', () => {
      const successor = (file: string) => (recordOf(file).relations ?? []).filter((r) => r.key === 'iso:80874');
      expect(successor('iso-32579-2020-01-21.html')).toEqual([]);
      const steps: Array<[string, string, Status]> = [
        ['iso-32579-2020-10-30.html', 'ISO/WD 19115-3', 'under-development'],
        ['iso-32579-2021-08-23.html', 'ISO/CD 19115-3', 'under-development'],
        ['iso-32579-2021-12-14.html', 'ISO/DIS 19115-3', 'under-development'],
        ['iso-32579-2023-04-04.html', 'ISO/PRF 19115-3', 'under-development'],
        ['iso-32579-2023-07-15.html', 'ISO 19115-3', 'under-development'],
        ['iso-32579-2023-09-02.html', 'ISO 19115-3:2023', 'published'],
      ];
      for (const [file, reference, status] of steps) {
        expect(successor(file), file).toEqual([{ kind: 'replaced-by', key: 'iso:80874', reference, status }]);
      }
      expect(recordOf('iso-32579-2023-09-02.html')).toMatchObject({ status: 'withdrawn', stage: '95.99' });
    });

    it('ISO 19115-1:2014 shows its Amd 2 as DAmd 2 under development, then Amd 2:2020 published', () => {
      const amendment2 = (file: string) => (recordOf(file).relations ?? []).filter((r) => r.key === 'iso:80275');
      expect(amendment2('iso-53798-2019-11-27.html')).toEqual([]);
      expect(amendment2('iso-53798-2019-12-19.html')).toEqual([
        { kind: 'amendment', key: 'iso:80275', reference: 'ISO 19115-1:2014/DAmd 2', status: 'under-development' },
      ]);
      expect(amendment2('iso-53798-2020-11-25.html')).toEqual([
        { kind: 'amendment', key: 'iso:80275', reference: 'ISO 19115-1:2014/Amd 2:2020', status: 'published' },
      ]);
    });

    it('ISO 19115-2:2009 is replaced by the 2019 edition; ISO 19115:2003 lists its corrigendum', () => {
      expect(recordOf('iso-39229-2019-01-23.html').relations).toEqual([
        { kind: 'replaced-by', key: 'iso:67039', reference: 'ISO 19115-2:2019', status: 'published' },
      ]);
      expect(recordOf('iso-26020-2019-07-08.html').relations).toEqual([
        { kind: 'corrigendum', key: 'iso:44361', reference: 'ISO 19115:2003/Cor 1:2006', status: 'withdrawn' },
        { kind: 'replaced-by', key: 'iso:53798', reference: 'ISO 19115-1:2014', status: 'published' },
      ]);
    });

    it('never lists the document itself (the E1 "Now" entry links to the page)', () => {
      for (const row of rows) {
        const record = extract(row);
        expect(record.relations?.filter((r) => r.key === record.key) ?? [], row.file).toEqual([]);
      }
    });
  });

  describe('markup-only changes of ISO 19115-1:2014 change nothing', () => {
    const sequence = rows.filter((row) => row.group === 'iso:53798');

    it.each(
      consecutivePairs()
        .filter(([, after]) => after.group === 'iso:53798' && /no extracted-field change/.test(after.change))
        .map(([before, after]) => [after.file, before, after] as const),
    )('%s', (_file, before, after) => {
      expect(canonicalRecord(extract(after))).toEqual(canonicalRecord(extract(before)));
    });

    it('keeps one title across E1 → E6', () => {
      expect(sequence.length).toBeGreaterThan(15);
      const titles = new Set(sequence.map((row) => extract(row).title));
      expect([...titles]).toEqual(['Geographic information — Metadata — Part 1: Fundamentals']);
    });
  });

  it('reads ICS from the ICS row only, never the breadcrumb (ISO/IEC 2382:2015)', () => {
    const after = rowByFile.get('iso-63598-2020-01-22.html')!;
    const [, beforeCodes, afterCodes] = after.change.match(/ICS links: ([\d.,]+) → ([\d.,]+)/) ?? [];
    expect(afterCodes).toBeDefined();
    expect([...recordOf('iso-63598-2020-01-22.html').ics!].sort()).toEqual(afterCodes!.split(',').sort());

    const breadcrumbOnly = ['01.040']; // KNOWN_MANIFEST_DISCREPANCIES['iso-63598-2020-01-22.html']
    const $ = load(readFixture('iso-pages', 'iso-63598-2019-01-04.html'));
    for (const code of breadcrumbOnly) expect($(`ol.breadcrumb a[href$="/ics/${code}.html"]`).length).toBeGreaterThan(0);
    const before = recordOf('iso-63598-2019-01-04.html');
    expect([...before.ics!].sort()).toEqual(
      beforeCodes!
        .split(',')
        .filter((code) => !breadcrumbOnly.includes(code))
        .sort(),
    );
    expect(before.ics).not.toContain('01');
    expect(canonicalRecord(before).ics).toEqual(canonicalRecord(recordOf('iso-63598-2020-01-22.html')).ics);
  });

  it('never carries a sentence of the abstract', () => {
    let checked = 0;
    for (const row of rows) {
      const $ = load(readFixture(row.dir, row.file));
      const sentences = $('div[itemprop=description]')
        .text()
        .split(/(?<=[.!?;:])\s+/)
        .map((sentence) => sentence.replace(/\s+/g, ' ').trim())
        .filter((sentence) => sentence.length >= 30);
      const sample = [sentences[0], sentences[Math.floor(sentences.length / 2)], sentences.at(-1)].filter((s) => s !== undefined);
      const serialised = JSON.stringify(extract(row));
      for (const sentence of sample) expect(serialised, `${row.file}: abstract leaked`).not.toContain(sentence);
      checked += sample.length;
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describeWithFixtures('iso-page watcher on bodies that are not a readable standard page', () => {
  it('does not read an IEC webstore page as a record', () => {
    const iecPages = readdirSync(fixturePath('iec', '')).filter((file) => file.endsWith('.html'));
    expect(iecPages.length).toBeGreaterThan(0);
    for (const file of iecPages) {
      const outcome = extractIsoPage(readFixture('iec', file), { url: 'https://www.iso.org/standard/81230.html' });
      expect(outcome.kind, file).not.toBe('records');
    }
  });

  it('calls an empty body or a challenge page unreadable', () => {
    expect(extractIsoPage('', { url: 'https://www.iso.org/standard/81230.html' }).kind).toBe('unreadable');
    const challenge = '<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>';
    expect(extractIsoPage(challenge, { url: 'https://www.iso.org/standard/81230.html' }).kind).toBe('unreadable');
  });

  it('calls a real page whose fields are gone extraction-failed, naming them', () => {
    const $ = load(readFixture('iso-pages', 'iso-53798-2024-02-02.html'));
    $('#product-details, #lifecycle').remove();
    const outcome = extractIsoPage($.html(), { url: 'https://www.iso.org/standard/53798.html' });
    expect(outcome.kind).toBe('extraction-failed');
    expect(outcome.kind === 'extraction-failed' && outcome.reason).toMatch(/stage/);
  });

  it('reads the French life-cycle labels of either gender: "Remplacé par" and "Révisé par" name successors, "Remplace" predecessors', () => {
    const page = readFixture('iso-pages', 'iso-53798-fr-2024-02-02.html');
    const kindsUnder = (label: string) => {
      const relabelled = page.replace('<h4 class="ms-sm-3 text-muted">Précédemment</h4>', `<h4 class="ms-sm-3 text-muted">${label}</h4>`);
      expect(relabelled).not.toBe(page);
      const outcome = extractIsoPage(relabelled, { url: 'https://www.iso.org/fr/standard/53798.html' });
      return new Set(
        outcome.kind === 'records'
          ? (outcome.records[0]!.relations ?? []).filter((r) => r.kind !== 'amendment' && r.kind !== 'corrigendum').map((r) => r.kind)
          : [],
      );
    };
    for (const label of ['Remplacé par', 'Remplacée par', 'Sera remplacé par', 'Révisé par', 'Sera révisée par'])
      expect(kindsUnder(label), label).toEqual(new Set(['replaced-by']));
    for (const label of ['Remplace', 'Éditions précédentes']) expect(kindsUnder(label), label).toEqual(new Set(['replaces']));
  });

  it('calls a page whose stage code is not a harmonized one extraction-failed, never a stage to report (spec rule 4)', () => {
    const page = readFixture('iso-pages', 'iso-85870-2023-07-11.html');
    const odd = page.replace('Stage: <strong>40.99</strong>', 'Stage: <strong>90.00</strong>');
    expect(odd).not.toBe(page);
    const outcome = extractIsoPage(odd, { url: 'https://www.iso.org/standard/85870.html' });
    expect(outcome).toEqual({
      kind: 'extraction-failed',
      reason: 'iso-page: https://www.iso.org/standard/85870.html: stage "90.00" is not a harmonized stage code',
    });
  });

  it('falls back to the /standard/<csnumber>.html URL when the page does not say its csnumber', () => {
    const $ = load(readFixture('iso-pages', 'iso-53798-2018-10-18.html'));
    $('[id^=csNumber], [itemprop=productID], [id^=indexReference]').remove();
    const outcome = extractIsoPage($.html(), { url: 'https://www.iso.org/standard/53798.html' });
    expect(outcome.kind === 'records' && outcome.records[0]!.key).toBe('iso:53798');
  });

  it('declares itself as the iso-page watcher', () => {
    expect(isoPageWatcher).toMatchObject({ input: 'text', id: 'iso-page', version: '3', maxResponseBytes: 5_000_000 });
    expect(isoPageWatcher.licence.tag).toBe('proprietary-metadata-only');
  });
});

describe('bounded work on hostile iso.org pages (issue 8)', () => {
  it('reads titles and references in linear time, whatever runs of spaces or unclosed brackets a page holds', async () => {
    const names = Object.keys(HOSTILE_INPUTS).filter((name) => name.startsWith('iso.org page: '));
    // Each takes milliseconds now; the old regexes ran for minutes (the index title for over ten).
    const run = await runHostileInputs(names, 40_000);
    expect({ killed: run.killed, unfinished: run.unfinished, err: run.err }).toEqual({ killed: false, unfinished: [], err: '' });
    expect(names).toHaveLength(3);
    for (const name of names) expect(run.answers[name], name).toMatch(/^(records|extraction-failed|unreadable)/);
  });
});
