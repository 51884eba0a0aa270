/** The robots.txt product token (RFC 9309 §2.2.1): the UA's name before the first `/`. */
export function productTokenOf(userAgent: string): string {
  return (/^[A-Za-z_-]+/.exec(userAgent)?.[0] ?? 'regwatch').toLowerCase();
}
