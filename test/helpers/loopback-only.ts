import dns from 'node:dns';
import { writeSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

// `--import` this before the CLI to keep a process on 127.0.0.0/8: a name lookup or a connection
// to anything else is refused before a packet leaves, and reported on stderr as
// "LOOPBACK-ONLY VIOLATION: …", which a test looks for.

export const VIOLATION = 'LOOPBACK-ONLY VIOLATION';

const isLoopback = (host: string) => host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || /^::ffff:127\./i.test(host);

function refusal(what: string): NodeJS.ErrnoException {
  writeSync(2, `${VIOLATION}: ${what}\n`);
  return Object.assign(new Error(`loopback-only: ${what} refused`), { code: 'ENOTFOUND' });
}

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname: string, ...rest: unknown[]) {
  if (!isLoopback(hostname)) {
    const callback = rest.at(-1) as (error: Error) => void;
    const error = refusal(`lookup ${hostname}`);
    process.nextTick(() => callback(error));
    return undefined as never;
  }
  return (lookup as (...args: unknown[]) => unknown).call(dns, hostname, ...rest);
} as typeof dns.lookup;

const promisesLookup = dns.promises.lookup;
dns.promises.lookup = async function guardedPromisesLookup(hostname: string, ...rest: unknown[]) {
  if (!isLoopback(hostname)) throw refusal(`lookup ${hostname}`);
  return (promisesLookup as (...args: unknown[]) => Promise<unknown>).call(dns.promises, hostname, ...rest);
} as typeof dns.promises.lookup;

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const [first, second] = args;
  const options = typeof first === 'object' && first !== null && !Array.isArray(first) ? (first as { host?: string; path?: string }) : undefined;
  const ipc = options?.path !== undefined || (typeof first === 'string' && !/^\d+$/.test(first));
  const host = options?.host ?? (typeof second === 'string' ? second : 'localhost');
  if (!ipc && !isLoopback(host)) {
    const error = refusal(`connect ${host}`);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

syncBuiltinESMExports();
