// The request target as a URL. Only origin-form (`/path?query`) and absolute-form
// (`http://host/path`, RFC 9112 §3.2.2) name something here. `new URL(target, base)` is not used:
// it reads `//feed.xml` as a network-path reference to the host `feed.xml`, path `/`, and the page
// was served for it.

export function requestTarget(target: string | undefined): URL | null {
  if (target === undefined) return null;
  if (target.startsWith('/')) return URL.parse(`http://localhost${target}`);
  const absolute = URL.parse(target);
  return absolute !== null && (absolute.protocol === 'http:' || absolute.protocol === 'https:') ? absolute : null;
}
