import { describe, expect, it } from 'vitest';
import { isPrivateAddress, isPrivateHostLiteral } from '../src/address-guard.js';

// The guard is a pure function of a resolved address: tested here on addresses, never by connecting.

describe('private-address guard', () => {
  it.each([
    '127.0.0.1', '127.255.255.254', '10.0.0.7', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254',
    '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1',
    '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1', 'not-an-ip',
  ])('refuses %s', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8'])('allows %s', (address) =>
    expect(isPrivateAddress(address)).toBe(false));

  it('reads host literals before any DNS', () => {
    expect(isPrivateHostLiteral('localhost')).toBe(true);
    expect(isPrivateHostLiteral('api.localhost')).toBe(true);
    expect(isPrivateHostLiteral('[::1]')).toBe(true);
    expect(isPrivateHostLiteral('www.iso.org')).toBe(false);
  });
});
