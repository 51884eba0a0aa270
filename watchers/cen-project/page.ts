import { load, type CheerioAPI, type Cheerio } from 'cheerio';
import { hasChildren, isComment, type AnyNode, type Comment, type Element } from 'domhandler';

// How a CEN-CENELEC project page is read, in every era (C1 standards.cen.eu, C2 the joint theme,
// C3 Oracle APEX on ORDS). The template has not changed its contract since 2021: each block sits
// between `<!-- #BeginEditable "NAME" -->` and `<!-- #EndEditable -->`, and inside a block every
// field is a row `<tr><th class="detail">Label</th><td>value</td></tr>` with the same English label.
//
// C3 alternates two serialisations from hit to hit; the `xml-serialised` one writes an empty cell as
// `<td/>` and an empty wrapper as `<div/>`. An HTML parser (parse5, cheerio's default, and
// htmlparser2 in its default HTML mode) ignores the slash on a non-void element: `<td/>` OPENS a
// cell that runs until the next `</tr>`, `<td>` or `<th>`, swallowing whatever comes before those.
// On the recorded pages only whitespace follows, so the cell happens to read empty either way, but
// `<div/><div>ISO …</div>` would nest and a stray node would land in the wrong cell. The blocks are
// XML serialisations, so they are read as such: htmlparser2 with `recognizeSelfClosing`, which
// closes `<td/>` and `<div/>` on the spot and parses the HTML around them as HTML.

export const BLOCKS = {
  committee: 'DASHBOARD_COM_ID',
  committeeTitle: 'DASHBOARD_COM_TITLE',
  project: 'DASHBOARD_CONTENT_PROJECT',
  legal: 'DASHBOARD_CONTENT_LEGAL',
  dates: 'DASHBOARD_CONTENT_IMPLEMENTATIONDATES',
  relations: 'DASHBOARD_CONTENT_RELATIONS',
} as const;

/**
 * Parses the body and removes the "Abstract/Scope" row (CEN's copyrighted scope text) before anything
 * else can read the document: no field, reason or log can carry it.
 */
export function parsePage(body: string): CheerioAPI {
  const $ = load(body, { xml: { xmlMode: false, recognizeSelfClosing: true, decodeEntities: true } });
  $('th')
    .filter((_, th) => /^abstract\b/.test(foldLabel($(th).text())))
    .each((_, th) => {
      const row = $(th).closest('tr');
      (row.length > 0 ? row : $(th).nextAll('td').addBack()).remove();
    });
  return $;
}

/** The nodes between `<!-- #BeginEditable "NAME" -->` and the next `<!-- #EndEditable -->`, or undefined when the page has no such block. */
export function block($: CheerioAPI, name: string): Cheerio<AnyNode> | undefined {
  const begin = findComment($.root().get(0)!, (data) => data.trim() === `#BeginEditable "${name}"`);
  if (begin === undefined) return undefined;
  const nodes: AnyNode[] = [];
  for (let node = begin.next; node !== null; node = node.next) {
    if (isComment(node) && /^\s*#EndEditable\b/.test(node.data)) break;
    nodes.push(node);
  }
  return $(nodes);
}

export function hasBlock($: CheerioAPI, name: string): boolean {
  return block($, name) !== undefined;
}

/** Whether the page has a block whose name matches (the search page's `ADVSEARCH_*` blocks). */
export function hasBlockLike($: CheerioAPI, name: RegExp): boolean {
  return (
    findComment($.root().get(0)!, (data) => {
      const found = data.trim().match(/^#BeginEditable "([^"]*)"$/);
      return found !== null && name.test(found[1]!);
    }) !== undefined
  );
}

export function blockText($: CheerioAPI, name: string): string | undefined {
  const nodes = block($, name);
  if (nodes === undefined) return undefined;
  const text = collapseWhitespace(nodes.text());
  return text === '' ? undefined : text;
}

/** The `th.detail` rows of a block, by folded label ("date of Ratification (DOR) (1)" → "date of ratification (dor) (1)"), first occurrence wins. */
export function rowsOf($: CheerioAPI, name: string): Map<string, Cheerio<Element>> {
  const rows = new Map<string, Cheerio<Element>>();
  const nodes = block($, name);
  if (nodes === undefined) return rows;
  nodes
    .find('tr')
    .addBack('tr')
    .each((_, tr) => {
      const label = $(tr).children('th').first();
      const cell = $(tr).children('td').first();
      if (label.length === 0 || cell.length === 0) return;
      const key = foldLabel(label.text());
      if (key !== '' && !rows.has(key)) rows.set(key, cell);
    });
  return rows;
}

/** A cell's text with `<br>` and block boundaries as line breaks, one trimmed line per entry. */
export function cellLines($: CheerioAPI, cell: Cheerio<Element>): string[] {
  const copy = cell.clone();
  copy.find('br').replaceWith('\n');
  copy.find('div, p, li').each((_, element) => {
    $(element).prepend('\n').append('\n');
  });
  return copy
    .text()
    .split('\n')
    .map(collapseWhitespace)
    .filter((line) => line !== '');
}

/** A cell's words on one line: a line break in it is a space, as a browser shows it. */
export function cellText(cell: Cheerio<Element> | undefined): string | undefined {
  if (cell === undefined) return undefined;
  let words = cell;
  if (cell.find('br').length > 0) {
    words = cell.clone();
    words.find('br').replaceWith(' ');
  }
  const text = collapseWhitespace(words.text());
  return text === '' ? undefined : text;
}

// C0 and C1 controls (the record schema refuses them) become spaces, then whitespace collapses.
const CONTROL_OR_SPACE = /[\s\u0000-\u001f\u007f-\u009f\u00a0]+/g;

export function collapseWhitespace(text: string): string {
  return text.replace(CONTROL_OR_SPACE, ' ').trim();
}

export function foldLabel(text: string): string {
  return collapseWhitespace(text).toLowerCase();
}

function findComment(root: AnyNode, test: (data: string) => boolean): Comment | undefined {
  const stack: AnyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (isComment(node) && test(node.data)) return node;
    if (hasChildren(node)) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return undefined;
}
