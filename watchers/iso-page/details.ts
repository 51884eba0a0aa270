import type { CheerioAPI, Cheerio } from 'cheerio';
import type { AnyNode } from 'domhandler';
import type { Status } from '../../src/model/record.js';
import { collapseWhitespace, foldLabel } from './page-text.js';
import { statusFromWords } from './status-words.js';

// The "General information" rows. Every era writes them as a label element followed by its value:
// E1–E3 `<strong>Edition&nbsp;:</strong> 1`, E4+ `<div class="entry-label">Edition</div>&nbsp;:&nbsp;1`,
// ICS as `<dt>ICS</dt><dd>…</dd>` or label + spans. So a row is read by its label, in English or French.

type DetailField = 'status' | 'publicationDate' | 'edition' | 'pages' | 'committee' | 'ics' | 'stage';

const LABELS: Readonly<Record<string, DetailField>> = {
  status: 'status',
  'etat actuel': 'status',
  statut: 'status',
  'publication date': 'publicationDate',
  'date de publication': 'publicationDate',
  edition: 'edition',
  'number of pages': 'pages',
  'nombre de pages': 'pages',
  'technical committee': 'committee',
  'comite technique': 'committee',
  ics: 'ics',
  stage: 'stage',
  stade: 'stage',
};

const LABEL_ELEMENTS = 'strong, .entry-label, dt';

export interface Details {
  status?: Status;
  publicationDate?: string;
  edition?: number;
  pages?: number;
  committee?: string;
  ics?: string[];
  stage?: string;
}

export function readDetails($: CheerioAPI): Details {
  const rows = detailRows($);
  const text = (field: DetailField) => {
    const value = rows.get(field);
    return value === undefined ? undefined : collapseWhitespace(value.text());
  };
  const details: Details = {};

  const status = text('status');
  if (status !== undefined) details.status = statusFromWords(status);
  details.publicationDate = text('publicationDate')?.match(/\b\d{4}-\d{2}\b/)?.[0];
  details.edition = firstInteger(text('edition'));
  details.pages = firstInteger(text('pages'));
  details.stage = text('stage')?.match(/\b\d{2}\.\d{2}\b/)?.[0];

  const committee = rows.get('committee');
  if (committee !== undefined) {
    const link = linksIn(committee, 'a[href*="committee"]').first();
    const name = collapseWhitespace(link.length > 0 ? link.text() : committee.text());
    if (name !== '') details.committee = name;
  }

  const ics = rows.get('ics');
  if (ics !== undefined) {
    const codes = linksIn(ics, 'a[href*="/ics/"]')
      .map((_, a) => collapseWhitespace($(a).text()))
      .get()
      .filter((code) => /^\d{2}(\.\d{3}(\.\d{2})?)?$/.test(code));
    if (codes.length > 0) details.ics = [...new Set(codes)];
  }

  return details;
}

/** Each known label, first occurrence only, mapped to the nodes that follow it up to the next label. */
function detailRows($: CheerioAPI): Map<DetailField, Cheerio<AnyNode>> {
  const rows = new Map<DetailField, Cheerio<AnyNode>>();
  $(LABEL_ELEMENTS).each((_, element) => {
    const label = $(element);
    const field = LABELS[foldLabel(label.text())];
    if (field === undefined || rows.has(field)) return;
    if (label.parents(LABEL_ELEMENTS).length > 0) return; // the <strong> inside a <dt>: the <dt> is the label
    rows.set(field, label.is('dt') ? label.nextUntil('dt') : $(valueNodesAfter($, element)));
  });
  return rows;
}

function valueNodesAfter($: CheerioAPI, label: AnyNode): AnyNode[] {
  const nodes: AnyNode[] = [];
  for (let node = label.nextSibling; node !== null; node = node.nextSibling) {
    const $node = $(node);
    if (node.type === 'tag' && ($node.is(LABEL_ELEMENTS) || $node.find(LABEL_ELEMENTS).length > 0)) break;
    nodes.push(node);
  }
  return nodes;
}

function linksIn(value: Cheerio<AnyNode>, selector: string): Cheerio<AnyNode> {
  return value.filter(selector).add(value.find(selector));
}

function firstInteger(text: string | undefined): number | undefined {
  const digits = text?.match(/\d+/)?.[0];
  return digits === undefined ? undefined : Number(digits);
}
