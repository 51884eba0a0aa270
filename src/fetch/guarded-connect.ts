import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import { isPrivateAddress } from '../address-guard.js';
import { FetchError } from './fetch-error.js';

// The address check sits in the connector, below every redirect hop and every DNS answer: the name
// is resolved here, all its addresses are checked, and only a checked address is handed on. Names
// that resolve to a private address anywhere in their answer are refused (a mixed answer is how DNS
// rebinding sneaks in). IP literals skip DNS, so they are checked here too.

export interface GuardOptions {
  allowPrivateNetwork: boolean;
  connectTimeoutMs: number;
  lookup?: LookupFunction;
  /** The raw socket connector under the guard (tests pass one that fails if it is ever reached wrongly). */
  connect?: buildConnector.connector;
}

export function guardedConnector(options: GuardOptions): buildConnector.connector {
  const lookup = options.lookup ?? (dnsLookup as unknown as LookupFunction);
  const base = options.connect ?? buildConnector({ timeout: options.connectTimeoutMs });
  return (params, callback) => {
    const hostname = params.hostname.replace(/^\[|\]$/g, '');
    resolveAll(lookup, hostname, options.connectTimeoutMs).then(
      (addresses) => {
        const refused = options.allowPrivateNetwork ? undefined : addresses.find((a) => isPrivateAddress(a.address));
        const chosen = addresses[0];
        if (refused !== undefined || chosen === undefined) {
          const why = chosen === undefined ? 'resolved to no address' : `resolves to a private address (${refused?.address})`;
          callback(new FetchError('FETCH_PRIVATE_ADDRESS', `connect ${hostname}: ${why}`), null);
          return;
        }
        const servername = params.servername ?? (isIP(hostname) === 0 ? hostname : undefined);
        base({ ...params, hostname: chosen.address, ...(servername !== undefined ? { servername } : {}) }, callback);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };
}

function resolveAll(lookup: LookupFunction, hostname: string, timeoutMs: number): Promise<LookupAddress[]> {
  const family = isIP(hostname);
  if (family !== 0) return Promise.resolve([{ address: hostname, family }]);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = Object.assign(new Error(`DNS lookup of ${hostname} timed out`), { code: 'UND_ERR_CONNECT_TIMEOUT' });
      reject(err);
    }, timeoutMs);
    lookup(hostname, { all: true }, (err, address, fam) => {
      clearTimeout(timer);
      if (err) return reject(err);
      resolve(typeof address === 'string' ? [{ address, family: fam ?? isIP(address) }] : address);
    });
  });
}
