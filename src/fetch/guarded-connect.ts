import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { buildConnector, type Connector } from './undici-agent.js';
import { addressClass, mayConnect } from './address-guard.js';
import { FetchError } from './fetch-error.js';

// The address check sits in the connector, below every redirect hop and every DNS answer: the name
// is resolved here, all its addresses are checked, and only checked addresses are handed on, tried
// in turn while they refuse or cannot be reached. Names that resolve to a refused address anywhere
// in their answer are refused whole (a mixed answer is how DNS rebinding sneaks in). IP literals
// skip DNS, so they are checked here too.

export interface GuardOptions {
  allowPrivateNetwork: boolean;
  connectTimeoutMs: number;
  lookup?: LookupFunction;
  /** The raw socket connector under the guard (tests pass one that fails if it is ever reached wrongly). */
  connect?: Connector;
}

/** Failures that say this address cannot be reached, not that the host said no: the next address may work. */
const TRY_NEXT_ADDRESS = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function guardedConnector(options: GuardOptions): Connector {
  const lookup = options.lookup ?? (dnsLookup as unknown as LookupFunction);
  const base = options.connect ?? buildConnector({ timeout: options.connectTimeoutMs });
  return (params, callback) => {
    const hostname = params.hostname.replace(/^\[|\]$/g, '');
    resolveAll(lookup, hostname, options.connectTimeoutMs).then(
      (addresses) => {
        const refusal = refusalOf(hostname, addresses, options.allowPrivateNetwork);
        if (refusal !== undefined) {
          callback(new FetchError('FETCH_PRIVATE_ADDRESS', `connect ${hostname}: ${refusal}`), null);
          return;
        }
        const servername = params.servername ?? (isIP(hostname) === 0 ? hostname : undefined);
        const tryAddress = (index: number): void => {
          const address = addresses[index]!.address;
          base({ ...params, hostname: address, ...(servername !== undefined ? { servername } : {}) }, (...result) => {
            const [error] = result;
            if (error !== null && index + 1 < addresses.length && TRY_NEXT_ADDRESS.has(String((error as { code?: unknown }).code))) {
              tryAddress(index + 1);
              return;
            }
            callback(...result);
          });
        };
        tryAddress(0);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };
}

/** Why none of `addresses` may be contacted, or undefined when all of them may. */
function refusalOf(hostname: string, addresses: LookupAddress[], allowPrivateNetwork: boolean): string | undefined {
  if (addresses.length === 0) return 'resolved to no address';
  const refused = addresses.find((a) => !mayConnect(a.address, allowPrivateNetwork));
  if (refused === undefined) return undefined;
  const what = addressClass(refused.address) === 'forbidden' ? 'a link-local or special-purpose address, never contacted' : 'a private address';
  return `${isIP(hostname) === 0 ? 'resolves to' : 'is'} ${what} (${refused.address})`;
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
