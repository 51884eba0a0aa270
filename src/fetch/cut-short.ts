// A body that stops before its document's closing tag was cut short: a connection that closed early
// (a response framed by neither Content-Length nor chunks has no other end), or a server that failed
// while rendering the page. Read as it is, it loses its last fields and relations, and the diff would
// publish them as removed. The kinds whose documents always close (every recorded iso.org, IEC,
// CEN-CENELEC and NIST-Tech-Pubs page ends with </html>, every IEC history with </RES>) call such a
// body unreadable: source health, never a change.

/** Where the closing tag must be: a page may carry a little after it (a comment, a CDN's beacon), never a page's worth. */
const TAIL_CHARS = 4096;

/** Why `text` is cut short, or undefined when its last `TAIL_CHARS` hold the closing `</element>` (ASCII case ignored). */
export function cutShortReason(text: string, element: string): string | undefined {
  const tail = text.slice(-TAIL_CHARS).toLowerCase();
  const closing = `</${element.toLowerCase()}`;
  for (let at = tail.lastIndexOf(closing); at >= 0; at = tail.lastIndexOf(closing, at - 1)) {
    const after = tail.charAt(at + closing.length);
    if (after === '>' || /\s/.test(after)) return undefined;
  }
  return `the body (${text.length} characters) ends before the document's closing </${element}> tag: cut short in transit or by the server`;
}
