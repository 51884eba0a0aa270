// Text inside every HTML regwatch writes (the feeds' item HTML, the / page, e-mail): the five
// characters that could open markup or an entity, or end a quoted attribute, as entities. Safe in
// text and in attribute values quoted with either quote.

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
