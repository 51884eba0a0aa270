import { describe, expect, it } from 'vitest';
import { decodeItemState, encodeItemState, itemStateOf, joinsNewestItem, type ItemState } from '../src/pipeline/join-rule.js';

// One change seen by two sources on different days is one item: a later group of observations joins
// the document's newest item when it reports the same move (same event; the same stage code where
// both have one, else the same phase) and none of its sources reported that item already. Pure: no
// SQLite here; the store only looks the newest item up and calls the rule (store.test.ts).

describe('item states', () => {
  it.each<[string, string, ItemState | null]>([
    ['written now, with a stage code', 'published|60.60|published', { event: 'published', stage: '60.60', phase: 'published' }],
    ['written now, a publisher without codes', 'final-published||published', { event: 'final-published', stage: null, phase: 'published' }],
    ['before phases: the phase follows from the code', 'dis-ballot|40.20', { event: 'dis-ballot', stage: '40.20', phase: 'enquiry' }],
    ['before phases: 60.00 is still publishing', 'under-publication|60.00', { event: 'under-publication', stage: '60.00', phase: 'publishing' }],
    ['before phases, without a stage: no phase to know', 'final-published|', { event: 'final-published', stage: null, phase: null }],
    ['no event', '|60.60|published', null],
    ['no separator', 'published', null],
    ['a field too many', 'published|60.60|published|x', null],
    ['not a stage code', 'published|6060', null],
    ['not a phase', 'published|60.60|in-force', null],
  ])('%s: %j', (_why, text, expected) => {
    expect(decodeItemState(text)).toEqual(expected);
  });

  it('reads back what it writes', () => {
    for (const state of [
      { event: 'fdis', stage: '50.20', phase: 'approval' },
      { event: 'draft-released', stage: null, phase: 'enquiry' },
      { event: 'record-corrected', stage: null, phase: null },
    ] satisfies ItemState[]) {
      expect(decodeItemState(encodeItemState(state))).toEqual(state);
    }
  });

  it("takes the lead observation's phase, or derives it from its code when it was stored before phases", () => {
    expect(itemStateOf('enquiry', { stage: null, phase: 'enquiry' })).toEqual({ event: 'enquiry', stage: null, phase: 'enquiry' });
    expect(itemStateOf('withdrawn', { stage: '95.99' })).toEqual({ event: 'withdrawn', stage: '95.99', phase: 'withdrawn' });
    expect(itemStateOf('record-corrected', { stage: null })).toEqual({ event: 'record-corrected', stage: null, phase: null });
  });
});

describe('joining the newest item of a document', () => {
  // newest item's stored state and sources; the new group's state and sources; joins?
  it.each<[string, string | null, string[], string, string[], boolean]>([
    ['the same stage move, seen by another source', 'published|60.60|published', ['iso_catalogue'], 'published|60.60|published', ['iso_page'], true],
    ['the same event to another stage code', 'draft-progress|30.20|drafting', ['iso_catalogue'], 'draft-progress|30.60|drafting', ['iso_page'], false],
    ['another event to the same stage', 'under-publication|60.00|publishing', ['iso_catalogue'], 'published|60.00|publishing', ['iso_page'], false],
    ['a source that already reported the item: a new move', 'published|60.60|published', ['iso_page'], 'published|60.60|published', ['iso_page'], false],
    [
      'a group one of whose sources already reported it',
      'published|60.60|published',
      ['iso_page'],
      'published|60.60|published',
      ['iso_catalogue', 'iso_page'],
      false,
    ],
    ['no stage codes: the same phase', 'enquiry||enquiry', ['cen_project'], 'enquiry||enquiry', ['cen_catalogue'], true],
    ['no stage codes: another phase', 'formal-vote||approval', ['cen_project'], 'formal-vote||enquiry', ['cen_catalogue'], false],
    ['a code on one side only: the same phase', 'published|60.60|published', ['iso_page'], 'published||published', ['iec_webstore'], true],
    ['a code on one side only: another phase', 'published|60.00|publishing', ['iso_page'], 'published||published', ['iec_webstore'], false],
    ['stored before phases, the same code', 'published|60.60', ['iso_catalogue'], 'published|60.60|published', ['iso_page'], true],
    ['stored before phases, another code', 'dis-ballot|40.20', ['iso_catalogue'], 'dis-ballot|40.60|enquiry', ['iso_page'], false],
    [
      'stored before phases: its code gives the phase a page without one is compared with',
      'published|60.60',
      ['iso_catalogue'],
      'published||published',
      ['iec_webstore'],
      true,
    ],
    [
      'stored before phases without a stage: matches as then, another state without one',
      'final-published|',
      ['nist_a'],
      'final-published||published',
      ['nist_b'],
      true,
    ],
    [
      'stored before phases without a stage: a state with one did not match then and does not now',
      'published|',
      ['iec_webstore'],
      'published|60.60|published',
      ['iso_page'],
      false,
    ],
    ['a first observation of a document others already report', 'fdis|50.20|approval', ['iso_catalogue'], 'baseline|50.20|approval', ['iso_page'], true],
    ['…joins even an item whose state is not known', null, ['iso_catalogue'], 'baseline|50.20|approval', ['iso_page'], true],
    ['…but not one its own source reported', 'fdis|50.20|approval', ['iso_page'], 'baseline|50.20|approval', ['iso_page'], false],
    ['an item without a stored state (seeded, or health) is joined by nothing else', null, ['iso_catalogue'], 'published|60.60|published', ['iso_page'], false],
    ['a stored state that cannot be read is joined by nothing else', 'published/60.60', ['iso_catalogue'], 'published|60.60|published', ['iso_page'], false],
  ])('%s', (_why, newestState, newestSources, state, sources, joins) => {
    expect(joinsNewestItem({ state: newestState, sources: newestSources }, { state, sources })).toBe(joins);
  });
});
