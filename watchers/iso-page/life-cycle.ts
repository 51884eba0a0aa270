import type { CheerioAPI, Cheerio } from 'cheerio';
import type { AnyNode } from 'domhandler';
import type { Relation, RelationKind, Status } from '../../src/model/record.js';
import { collapseWhitespace, firstAccepted, foldLabel, withoutBracketNotes } from './page-text.js';
import { statusFromWords } from './status-words.js';

// The life cycle: the current stage code and the related documents around this one.
// E1/E2 list them in "Revisions / Corrigenda" (`ul.steps > li`, a <strong> label, links with a
// glyphicon whose title is the status); E3+ draw a timeline (`li.time-step`, an <h4> label, one
// `.step-item` per document with its status in `.section-head`), corrigenda and amendments nested
// in a `.sub-step` under "Now".

/** The stage code wherever the life cycle shows it: "Stage: <strong>90.93</strong>" (E3+), the active phase (E1/E2). */
export function readLifeCycleStage($: CheerioAPI): string | undefined {
  const texts = (selector: string) => () =>
    $(selector)
      .map((_, el) => collapseWhitespace($(el).text()))
      .get();
  return firstAccepted(
    [
      () => [collapseWhitespace($('a.current-stage strong').first().text())],
      texts('ul.stages > li > a .stage-code strong'),
      texts('ul.stages li.active > a .stage-code'),
    ],
    (text) => /^\d{2}\.\d{2}$/.test(text),
  );
}

/** The status the life cycle gives the document itself ("Now"), for pages without a Status row. */
export function readLifeCycleStatus($: CheerioAPI): Status | undefined {
  for (const section of sections($)) {
    if (kindOfSection(section.label, '') !== 'self') continue;
    const word = section.element.find('.section-head').first().text() || section.element.find('[title]').first().attr('title');
    const status = word === undefined ? undefined : statusFromWords(word);
    if (status !== undefined) return status;
  }
  return undefined;
}

export function readRelations($: CheerioAPI, ownKey: string): Relation[] {
  const relations: Relation[] = [];
  const add = (label: string, reference: string, href: string | undefined, statusWord: string | undefined) => {
    const cleanReference = withoutBracketNotes(reference);
    if (cleanReference === '') return;
    const kind = kindOfSection(label, cleanReference);
    if (kind === undefined || kind === 'self') return;
    const key = href === undefined ? undefined : keyFromHref(href);
    if (key === ownKey) return;
    const relation: Relation = { kind, reference: cleanReference };
    if (key !== undefined) relation.key = key;
    const status = statusWord === undefined ? undefined : statusFromWords(statusWord);
    if (status !== undefined) relation.status = status;
    relations.push(relation);
  };

  for (const section of sections($)) {
    if (section.layout === 'steps') {
      section.element.find('a[href]').each((_, a) => {
        const link = $(a);
        add(section.label, link.text(), link.attr('href'), link.find('[title]').first().attr('title'));
      });
    } else {
      stepItemsOf($, section.element).each((_, item) => {
        const $item = $(item);
        const heading = $item.find('h5').first();
        add(section.label, heading.text(), heading.find('a[href]').attr('href'), $item.find('.section-head').first().text());
      });
    }
  }
  return relations;
}

interface Section {
  layout: 'steps' | 'timeline';
  label: string;
  element: Cheerio<AnyNode>;
}

// Read twice per page (the document's own status, then its relations): found once per document.
const sectionsOf = new WeakMap<CheerioAPI, Section[]>();

function sections($: CheerioAPI): Section[] {
  const known = sectionsOf.get($);
  if (known !== undefined) return known;
  const found: Section[] = [];
  $('ul.steps > li').each((_, li) => {
    const label = $(li).children('strong').first().text();
    if (label !== '') found.push({ layout: 'steps', label, element: $(li) });
  });
  $('li.time-step').each((_, li) => {
    found.push({ layout: 'timeline', label: $(li).children('h4').first().text(), element: $(li) });
  });
  $('li.time-step .sub-step').each((_, div) => {
    found.push({ layout: 'timeline', label: $(div).children('h5').first().text(), element: $(div) });
  });
  sectionsOf.set($, found);
  return found;
}

/** A section's own documents: those of a nested "Corrigenda / Amendments" sub-step belong to that one. */
function stepItemsOf($: CheerioAPI, section: Cheerio<AnyNode>): Cheerio<AnyNode> {
  return section.find('.step-item').filter((_, item) => $(item).closest('.sub-step, li.time-step').get(0) === section.get(0));
}

function kindOfSection(label: string, reference: string): RelationKind | 'self' | undefined {
  const folded = foldLabel(label);
  // "Remplacé par" (masculine, folded "remplace par") before "Remplace" (replaces).
  if (/^(will be replaced by|replaced by|revised by|(sera )?(remplacee?|revisee?) par)\b/.test(folded)) return 'replaced-by';
  if (/^(previously|previous editions?|precedemment|editions precedentes|replaces|remplace)\b/.test(folded)) return 'replaces';
  if (/^(now|actuellement)\b/.test(folded)) return 'self';
  if (/corrigend|amendment|amendement|rectificatif/.test(folded)) {
    return /\/[A-Z]*\s?Cor\b/i.test(reference) ? 'corrigendum' : 'amendment';
  }
  return undefined;
}

/** `/standard/88435.html`, `/fr/standard/26020.html`, `/contents/data/standard/05/45/54534.html` → iso:<id>. */
function keyFromHref(href: string): string | undefined {
  const csnumber = href.match(/\/standard\/(?:\d+\/)*(\d{1,9})(?:\.html?)?(?:[?#]|$)/)?.[1];
  return csnumber === undefined ? undefined : `iso:${csnumber}`;
}
