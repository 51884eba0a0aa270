// zod's url() accepts what the WHATWG URL parser accepts, which is more than RFC 3986 allows
// (a raw `"`, `{`, `|` in a query). Feeds and the JSON Schema's format "uri" need RFC 3986, so
// each URL is published in its serialised form with the remaining illegal ASCII percent-encoded.
const NOT_IN_RFC3986 = /[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/g;

/** The URL as an RFC 3986 URI; a string that is not a URL is returned unchanged for validation to refuse. */
export function publishableUri(url: string): string {
  let href: string;
  try {
    href = new URL(url).href;
  } catch {
    return url;
  }
  return href.replace(NOT_IN_RFC3986, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
