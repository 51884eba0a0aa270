import { describe, expect, it } from 'vitest';
import { canonicalRecord, type DocumentRecord } from '../src/model/record.js';
import { diffRecords } from '../src/rules/diff.js';
import { classifyChange, classifyFirstObservation } from '../src/rules/classify.js';
import type { RuleContext as ClassifyContext } from '../src/model/rule.js';
import { HARMONIZED_RULES } from '../src/rules/harmonized-rules.js';
import { phaseOfStage } from '../src/rules/harmonized-stages.js';
import { familyOf } from '../src/rules/family.js';

// Rows of spec/severity.md that no recorded iso.org pair shows (those are in classify.test.ts):
// each built from the real facts the spec names, one record change at a time.

const base: DocumentRecord = {
  key: 'iso:81230',
  reference: 'ISO/IEC 42001:2023',
  status: 'published',
  phase: 'published',
  stage: '60.60',
  committee: 'ISO/IEC JTC 1/SC 42',
  stageDate: '2023-12-18',
};
const plain: ClassifyContext = { requirements: false, watchedKeys: new Set(), requirementsKeys: new Set(), requirementsReferences: new Set(), family: null };

/** A record's phase follows its harmonized stage, as the ISO kinds read it. */
const staged = (record: DocumentRecord): DocumentRecord => ({ ...record, phase: phaseOfStage(record.stage!) });

function classify(before: DocumentRecord, after: DocumentRecord, context = plain) {
  return classifyChange(staged(before), staged(after), diffRecords(staged(before), staged(after)), context, HARMONIZED_RULES);
}

describe('spec/severity.md rows without a recorded pair', () => {
  it('ballot-repeated: 60.00 back to 50.00 (ISO/IEC TS 12791 re-balloted as DTS 12791.2) is major', () => {
    const r = classify(
      { ...base, key: 'iso:84110', reference: 'ISO/IEC TS 12791', status: 'under-development', stage: '60.00' },
      { ...base, key: 'iso:84110', reference: 'ISO/IEC DTS 12791.2', status: 'under-development', stage: '50.00' },
    );
    expect([r.event, r.severity]).toEqual(['ballot-repeated', 'major']);
    expect(r.summary).toBe('ISO/IEC DTS 12791.2: FDIS registered for formal approval [50.00], was under publication [60.00]');
  });

  it.each([['90.99'], ['95.20']])('withdrawal-proposed: → %s is major', (stage) => {
    expect(classify(base, { ...base, stage }).event).toBe('withdrawal-proposed');
    expect(classify(base, { ...base, stage }).severity).toBe('major');
  });

  it('withdrawn: → 95.99 with nothing replacing it is critical; a stage that only says so, never missing data', () => {
    const r = classify(base, { ...base, stage: '95.99', status: 'withdrawn' });
    expect([r.event, r.severity]).toEqual(['withdrawn', 'critical']);
  });

  it('published: critical when it replaces a watched edition', () => {
    const draft: DocumentRecord = {
      ...base,
      key: 'iso:99999',
      reference: 'ISO/IEC FDIS 42001',
      status: 'under-development',
      phase: 'publishing',
      stage: '60.00',
      relations: [{ kind: 'replaces', key: 'iso:81230', reference: 'ISO/IEC 42001:2023' }],
    };
    const published = { ...draft, reference: 'ISO/IEC 42001:2027', status: 'published' as const, stage: '60.60' };
    expect(classify(draft, published).severity).toBe('major');
    expect(classify(draft, published, { ...plain, watchedKeys: new Set(['iso:81230']) }).severity).toBe('critical');
  });

  it('new-edition: a document that replaces the watched one reaches 60.60', () => {
    const before = {
      ...base,
      relations: [{ kind: 'replaced-by' as const, key: 'iso:99999', reference: 'ISO/IEC FDIS 42001', status: 'under-development' as const }],
    };
    const after = { ...base, relations: [{ kind: 'replaced-by' as const, key: 'iso:99999', reference: 'ISO/IEC 42001:2027', status: 'published' as const }] };
    expect([classify(before, after).event, classify(before, after).severity]).toEqual(['new-edition', 'critical']);
  });

  it('an amendment shown withdrawn (its base revised) is no draft progress: nothing a rule reads, so info', () => {
    const amendment = { kind: 'amendment' as const, key: 'iso:90002', reference: 'ISO/IEC 42001:2023/Amd 1:2025' };
    const r = classify({ ...base, relations: [{ ...amendment, status: 'published' }] }, { ...base, relations: [{ ...amendment, status: 'withdrawn' }] });
    expect([r.event, r.severity, r.summary]).toEqual(['record-corrected', 'info', 'ISO/IEC 42001:2023: amendment ISO/IEC 42001:2023/Amd 1:2025 withdrawn']);
  });

  it('an amendment first seen already deleted is registered, as before (never a major deletion of a project nobody was told of)', () => {
    const r = classify(base, { ...base, relations: [{ kind: 'amendment', key: 'iso:90003', reference: 'ISO/IEC 42001:2023/DAmd 2', status: 'deleted' }] });
    expect([r.event, r.severity]).toEqual(['amendment-registered', 'minor']);
  });

  it('a deleted project and a new live one under the same reference are two relations, not one that came back to life', () => {
    const dead = { kind: 'replaced-by' as const, key: 'iso:77374', reference: 'ISO/IEC CD 42001', status: 'deleted' as const };
    const r = classify(
      { ...base, relations: [dead] },
      { ...base, relations: [{ kind: 'replaced-by', reference: 'ISO/IEC CD 42001', status: 'under-development' }] },
    );
    expect([r.event, r.severity]).toEqual(['revision-registered', 'major']);
    const both = classify(
      { ...base, relations: [{ ...dead, key: undefined }] },
      {
        ...base,
        relations: [
          { ...dead, key: 'iso:99999', status: 'under-development' },
          { ...dead, key: undefined },
        ],
      },
    );
    expect([both.event, both.severity]).toEqual(['revision-registered', 'major']);
  });

  it('a successor the catalogue does not resolve (`iso:8846`, four digits) is a revision registered, never a dated edition published', () => {
    const r = classify(base, { ...base, relations: [{ kind: 'replaced-by', key: 'iso:8846', reference: 'iso:8846' }] });
    expect([r.event, r.severity]).toEqual(['revision-registered', 'major']);
  });

  it('corrigendum-published is minor; committee-changed is minor', () => {
    const cor = classify(base, {
      ...base,
      relations: [{ kind: 'corrigendum', key: 'iso:90001', reference: 'ISO/IEC 42001:2023/Cor 1:2026', status: 'published' }],
    });
    expect([cor.event, cor.severity]).toEqual(['corrigendum-published', 'minor']);
    const committee = classify(base, { ...base, committee: 'ISO/IEC JTC 1/SC 27' });
    expect([committee.event, committee.severity]).toEqual(['committee-changed', 'minor']);
  });

  it('title-changed: minor on a published document, info on a draft', () => {
    expect(
      classify(
        { ...base, title: 'Artificial intelligence — Management system' },
        { ...base, title: 'Information technology — Artificial intelligence — Management system' },
      ).severity,
    ).toBe('minor');
    const draft = { ...base, status: 'under-development' as const, stage: '30.20', title: 'AI — a' };
    expect(classify(draft, { ...draft, title: 'AI — b' }).severity).toBe('info');
  });

  it('deleted: major when it was the pending revision or amendment of a watched document', () => {
    const amd = { ...base, key: 'iso:88000', reference: 'ISO/IEC 42001:2023/CD Amd 1', status: 'under-development' as const, stage: '30.20' };
    expect(classify(amd, { ...amd, stage: '30.98', status: 'deleted' }).severity).toBe('minor');
    expect(classify(amd, { ...amd, stage: '30.98', status: 'deleted' }, { ...plain, family: { role: 'amendment', parent: 'iso:81230' } }).severity).toBe(
      'major',
    );
  });

  it('info housekeeping folds into a stronger event of the same run', () => {
    const r = classify(base, { ...base, stage: '90.20', pages: 51, ics: ['35.020'] });
    expect(r.event).toBe('review-started');
    expect(r.alsoEvents).toEqual(['pages-changed', 'ics-changed']);
  });

  it('a first observation is a baseline; a new row in a watched committee is a new project (minor in a watched family)', () => {
    expect(classifyFirstObservation(base, 'baseline', plain)).toMatchObject({ event: 'baseline', severity: 'baseline' });
    expect(classifyFirstObservation(base, 'new-project', plain)).toMatchObject({ event: 'new-project', severity: 'info' });
    expect(classifyFirstObservation(base, 'new-project', { ...plain, family: { role: 'amendment', parent: 'iso:81230' } })).toMatchObject({
      severity: 'minor',
    });
  });

  it("a new catalogue row of a watched document's family: amendment-registered (major for a requirements standard), revision-registered", () => {
    const watched = new Map([
      ['iso:81230', 'ISO/IEC 42001:2023'],
      ['iso:77304', 'ISO/IEC 23894:2023'],
    ]);
    const amd: DocumentRecord = { key: 'iso:90001', reference: 'ISO/IEC 42001:2023/AWI Amd 1', status: 'under-development', phase: 'drafting', stage: '20.00' };
    const family = familyOf(amd, watched);
    expect(family).toEqual({ role: 'amendment', parent: 'iso:81230' });
    expect(classifyFirstObservation(amd, 'new-project', { ...plain, family })).toMatchObject({ event: 'amendment-registered', severity: 'minor' });
    expect(classifyFirstObservation(amd, 'new-project', { ...plain, family, requirements: true })).toMatchObject({
      event: 'amendment-registered',
      severity: 'major',
    });
    const revision: DocumentRecord = {
      key: 'iso:90002',
      reference: 'ISO/IEC AWI 23894',
      status: 'under-development',
      phase: 'drafting',
      stage: '20.00',
      relations: [{ kind: 'replaces', key: 'iso:77304', reference: 'ISO/IEC 23894:2023' }],
    };
    expect(familyOf(revision, watched)).toEqual({ role: 'revision', parent: 'iso:77304' });
    expect(classifyFirstObservation(revision, 'new-project', { ...plain, family: familyOf(revision, watched) })).toMatchObject({
      event: 'revision-registered',
      severity: 'major',
    });
    expect(familyOf({ ...amd, reference: 'ISO/IEC 42001:2023/Cor 1' }, watched)?.role).toBe('corrigendum');
    expect(familyOf({ ...amd, reference: 'ISO/IEC 420012:2030' }, watched)).toBeNull();
  });

  it('deleted: a project abandoned right after an approval (30.99 → 30.98) is a deletion, not a repeated ballot', () => {
    const cd = { ...base, key: 'iso:88000', reference: 'ISO/IEC CD 42119-3', status: 'under-development' as const, stage: '30.99' };
    expect(classify(cd, { ...cd, stage: '30.98', status: 'deleted' }).event).toBe('deleted');
  });

  it('deleted: the pending revision listed on the watched page being abandoned is major', () => {
    const before = {
      ...base,
      relations: [{ kind: 'replaced-by' as const, key: 'iso:99999', reference: 'ISO/IEC CD 42001', status: 'under-development' as const }],
    };
    const after = { ...base, relations: [{ kind: 'replaced-by' as const, key: 'iso:99999', reference: 'ISO/IEC CD 42001', status: 'deleted' as const }] };
    expect([classify(before, after).event, classify(before, after).severity]).toEqual(['deleted', 'major']);
  });

  it('a related document listed twice on a page is the same record as listed once (rule 3)', () => {
    const amd = { kind: 'amendment' as const, key: 'iso:88435', reference: 'ISO/IEC 27001:2022/Amd 1', status: 'under-development' as const };
    expect(canonicalRecord({ ...base, relations: [amd, amd] })).toEqual(canonicalRecord({ ...base, relations: [amd] }));
  });
});
