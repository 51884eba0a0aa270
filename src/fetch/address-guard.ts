import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

// Sources must not make regwatch reach into the network it runs in (SSRF): a config URL, a redirect
// or a DNS answer. The rule is an allow rule: only public unicast addresses are contacted. A list
// of private ranges always misses one (IPv4-compatible `::a00:1`, 6to4 `2002::/16`, NAT64 local
// use `64:ff9b:1::/48`, site-local `fec0::/10` all passed the old list); ipaddr.js names the
// special-purpose ranges of the IANA registries, and everything it does not call `unicast` is
// refused. These are pure functions of an address; the fetch layer applies them to every resolved
// address.

/**
 * `public`: may always be contacted. `private-network`: loopback and private ranges, contacted only
 * with allowPrivateNetwork (loopback tests, a local mirror). `forbidden`: never, whatever the config:
 * link-local (cloud metadata at 169.254.169.254), the metadata services' other addresses, and
 * every other special-purpose range.
 */
export type AddressClass = 'public' | 'private-network' | 'forbidden';

const PRIVATE_NETWORK_RANGES: ReadonlySet<string> = new Set(['loopback', 'private', 'carrierGradeNat', 'uniqueLocal']);

/** Instance metadata outside link-local: AWS over IPv6, Alibaba Cloud (inside carrier-grade NAT space). */
const METADATA_SERVICES = ['fd00:ec2::254', '100.100.100.200'].map((address) => ipaddr.parse(address));

/** IPv6 global unicast (RFC 4291 §2.4): the only IPv6 space that is ever public. */
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

export function addressClass(address: string): AddressClass {
  const ip = parseStrictly(address);
  if (ip === undefined) return 'forbidden'; // not an address at all: refuse rather than guess
  if (METADATA_SERVICES.some((service) => service.kind() === ip.kind() && service.toNormalizedString() === ip.toNormalizedString())) {
    return 'forbidden';
  }
  const range = ip.range();
  if (range === 'unicast') return ip.kind() === 'ipv4' || ip.match(GLOBAL_UNICAST) ? 'public' : 'forbidden';
  return PRIVATE_NETWORK_RANGES.has(range) ? 'private-network' : 'forbidden';
}

/** Whether a resolved address may be connected to under the given setting. */
export function mayConnect(address: string, allowPrivateNetwork: boolean): boolean {
  const kind = addressClass(address);
  return kind === 'public' || (allowPrivateNetwork && kind === 'private-network');
}

/** For config checks before any DNS: `localhost`, `*.localhost` and IP literals that are not public. */
export function isPrivateHostLiteral(hostname: string): boolean {
  const host = unbracketed(hostname).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && addressClass(host) !== 'public';
}

/** An IP literal that no setting allows (link-local, metadata, special-purpose), before any DNS. */
export function isForbiddenHostLiteral(hostname: string): boolean {
  const host = unbracketed(hostname);
  return isIP(host) !== 0 && addressClass(host) === 'forbidden';
}

/**
 * Node's strict syntax first (no octal, hex or short IPv4 forms, which ipaddr.js would read), IPv6
 * rewritten to hex by the URL parser (ipaddr.js reads `::1.2.3.4` as `::ffff:1.2.3.4`), zone ids
 * refused, and IPv4-mapped IPv6 (`::ffff:10.0.0.1`) judged as the IPv4 address it carries.
 */
function parseStrictly(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const family = isIP(address);
  if (family === 4) return new ipaddr.IPv4(address.split('.').map(Number));
  if (family !== 6 || address.includes('%')) return undefined;
  const hex = URL.parse(`http://[${address}]/`)?.hostname;
  if (hex === undefined) return undefined;
  const ip = ipaddr.IPv6.parse(unbracketed(hex));
  return ip.isIPv4MappedAddress() ? ip.toIPv4Address() : ip;
}

function unbracketed(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '');
}
