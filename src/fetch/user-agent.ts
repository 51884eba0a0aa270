/** `regwatch/0.1.0 (+https://github.com/regwatch/regwatch)`: who we are and where to complain. */
export function buildUserAgent(version: string, contact: string): string {
  return `regwatch/${version} (+${contact})`;
}

/** The robots.txt product token (RFC 9309 §2.2.1): the UA's name before the first `/`. */
export function productTokenOf(userAgent: string): string {
  return (/^[A-Za-z_-]+/.exec(userAgent)?.[0] ?? 'regwatch').toLowerCase();
}
