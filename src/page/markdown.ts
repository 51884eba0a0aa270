// Text as one Markdown table cell or list entry: it cannot end the cell, start a tag, an entity or
// an escape of its own, nor break the line.
export function markdownText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n\t]+/g, ' ');
}

/** `[label](url)`; the URL's parentheses, spaces and angle brackets percent-encoded so it cannot end early. */
export function markdownLink(label: string, url: string): string {
  const safe = url.replace(/[()<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `[${markdownText(label).replace(/[[\]]/g, '\\$&')}](${safe})`;
}
