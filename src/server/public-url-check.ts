import { isIP } from 'node:net';

// The feeds name themselves by publicUrl (rel="self", feed ids, item links). When serve listens
// somewhere else, readers that follow those links end up elsewhere: said at start. A publicUrl with
// a DNS name (not localhost) is left alone: a reverse proxy or DNS in front is what it usually means.

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const ANY_ADDRESS = new Set(['0.0.0.0', '::']);

/** Why publicUrl does not point at this server, or null. `port`: the port actually bound. */
export function publicUrlMismatch(publicUrl: string, host: string, port: number): string | null {
  const url = URL.parse(publicUrl);
  if (url === null) return null;
  const name = url.hostname.replace(/^\[|\]$/g, '');
  const isAddress = isIP(name) !== 0 || name === 'localhost';
  if (!isAddress) return null;
  const urlPort = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const sameHost = ANY_ADDRESS.has(host) || name === host || (LOOPBACK_NAMES.has(name) && LOOPBACK_NAMES.has(host));
  const listening = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (sameHost && urlPort === port) {
    if (url.pathname === '/') return null;
    return `publicUrl is ${url.href}, but this server answers at http://${listening}/, not under ${url.pathname}: the feeds' self links point to paths it does not serve (a proxy that strips ${url.pathname} is what such a publicUrl needs)`;
  }
  return `publicUrl is ${url.href}, but this server listens on ${listening}: the feeds' self and home links (and the WebSub topics) point to publicUrl, not to this server (set publicUrl in the config, or --host/--port)`;
}
