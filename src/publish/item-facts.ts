import type { FieldChange, Item } from '../model/item.js';
import { escapeHtml as html } from './html-escape.js';
import { oneLine } from './sanitize.js';

// The facts every feed shows for one item, written once so RSS, Atom and JSON Feed agree.

export const SEVERITY_SCHEME = 'https://regwatch.dev/ns/severity';
export const EVENT_SCHEME = 'https://regwatch.dev/ns/event';

/** `[major] ISO/IEC 42005: FDIS ballot initiated [50.20], was …` */
export function itemTitle(item: Item): string {
  return oneLine(`[${item.severity}] ${item.summary}`);
}

/**
 * `stage date 2025-03-06` or `publication date 2025-03-06`: the effective date with what it is, to
 * show beside the summary; null when there is none, or when the summary already says it
 * ("publication date 2024-03-01, was none").
 */
export function effectiveDateNote(item: Item): string | null {
  if (item.effectiveDate === null) return null;
  const label = `${item.effectiveDateKind === 'publication-date' ? 'publication date' : 'stage date'} ${item.effectiveDate}`;
  return item.summary.includes(label) ? null : label;
}

/** The summary with its labelled effective date: the "What changed" cell of every table. */
export function whatChanged(item: Item): string {
  const effective = effectiveDateNote(item);
  return effective === null ? item.summary : `${item.summary} (${effective})`;
}

/** The document's page; a source-health item has no document, so it links to the source page. */
export function itemLink(item: Item): string {
  return item.document?.url ?? item.provenance.url;
}

interface Section {
  heading: string;
  lines: string[];
}

function sections(item: Item): Section[] {
  const out: Section[] = [];
  if (item.changes.length > 0) out.push({ heading: 'Changes', lines: item.changes.map(describeChange) });
  if (item.alsoEvents.length > 0) out.push({ heading: 'Also in this change', lines: [item.alsoEvents.join(', ')] });
  if (item.effectiveDate !== null) {
    const kind = item.effectiveDateKind === null ? '' : ` (${item.effectiveDateKind.replace('-', ' ')})`;
    out.push({ heading: 'Effective date', lines: [`${item.effectiveDate}${kind}`] });
  }
  out.push({ heading: 'Observed', lines: [item.observedAt] });
  const seenBy = [{ source: item.source, provenance: item.provenance }, ...item.alsoSeenBy];
  out.push({
    heading: 'Provenance',
    lines: seenBy.map(
      ({ source, provenance: p }) => `${source}: ${p.url} fetched ${p.fetchedAt}, HTTP ${p.httpStatus}, sha256 ${p.sha256}, ${p.watcher} ${p.watcherVersion}`,
    ),
  });
  const licence = [`${item.licence.rights} (${item.licence.tag})`, item.licence.attribution];
  if (item.licence.uri !== undefined) licence.push(item.licence.uri);
  out.push({ heading: 'Licence', lines: licence });
  return out;
}

function describeChange(change: FieldChange): string {
  return `${change.field}: ${showValue(change.before)} → ${showValue(change.after)}`;
}

function showValue(value: string | number | null): string {
  return value === null ? '(none)' : String(value);
}

/** Plain text, for JSON Feed content_text and Atom summary. */
export function itemText(item: Item): string {
  const body = sections(item).map((s) => `${s.heading}:\n${s.lines.map((l) => `- ${l}`).join('\n')}`);
  return [item.summary, ...body].join('\n\n');
}

/**
 * HTML (escaped here once; the XML writer escapes it again as text), for RSS description and Atom
 * content. A newline between blocks and list items: readers that strip tags would otherwise glue
 * the last word of one block to the first of the next.
 */
export function itemHtml(item: Item): string {
  const body = sections(item).map((s) => `<h4>${html(s.heading)}</h4>\n<ul>\n${s.lines.map((l) => `<li>${html(l)}</li>`).join('\n')}\n</ul>`);
  return [`<p>${html(item.summary)}</p>`, ...body].join('\n');
}
