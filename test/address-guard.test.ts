import { describe, expect, it } from 'vitest';
import { addressClass, isForbiddenHostLiteral, isPrivateHostLiteral, mayConnect } from '../src/fetch/address-guard.js';

// The guard is a pure function of a resolved address: tested here on addresses, never by connecting.

describe('address guard: only public unicast is contacted', () => {
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '192.169.0.1',
    '100.128.0.1',
    '223.255.255.254',
    '2a00:1450:4001:80b::200e',
    '2001:4860:4860::8888',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '::FFFF:808:808',
    '0:0:0:0:0:ffff:8.8.8.8', // IPv4-mapped: judged as the IPv4 address
  ])('%s is public', (address) => {
    expect(addressClass(address)).toBe('public');
    expect(mayConnect(address, false)).toBe(true);
  });

  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.7',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
  ])('%s is the private network: refused unless allowPrivateNetwork', (address) => {
    expect(addressClass(address)).toBe('private-network');
    expect(mayConnect(address, false)).toBe(false);
    expect(mayConnect(address, true)).toBe(true);
  });

  it.each([
    // link-local and instance metadata, refused even with allowPrivateNetwork
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.0.1', 'IPv4 link-local'],
    ['169.254.170.2', 'container metadata'],
    ['fe80::1', 'IPv6 link-local'],
    ['febf::1', 'IPv6 link-local, end of fe80::/10'],
    ['fe80::1%eth0', 'a zone id'],
    ['::ffff:169.254.169.254', 'mapped metadata'],
    ['fd00:ec2::254', 'AWS metadata over IPv6'],
    ['100.100.100.200', 'Alibaba metadata'],
    // forms of IPv6 that carry or reach an IPv4 address, and old or special space
    ['::a00:1', 'IPv4-compatible ::/96 (10.0.0.1)'],
    ['::808:808', 'IPv4-compatible ::/96 (8.8.8.8)'],
    ['::1.2.3.4', 'IPv4-compatible, dotted'],
    ['::ffff:0:a00:1', 'IPv4-translated ::ffff:0:0:0/96'],
    ['2002:a00:1::1', '6to4 2002::/16'],
    ['2002:808:808::1', '6to4 of a public address'],
    ['64:ff9b::a00:1', 'NAT64 64:ff9b::/96'],
    ['64:ff9b:1::a00:1', 'NAT64 local use 64:ff9b:1::/48'],
    ['fec0::1', 'site-local fec0::/10'],
    ['2001::1', 'Teredo'],
    ['2001:db8::1', 'documentation'],
    ['100::1', 'discard'],
    ['3fff::1', 'documentation 3fff::/20'],
    ['5f00::1', 'segment routing'],
    ['ff02::1', 'multicast'],
    ['::', 'unspecified'],
    ['4000::1', 'outside 2000::/3'],
    // IPv4 special purpose
    ['0.0.0.0', 'this host'],
    ['0.1.2.3', 'this network'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'TEST-NET-1'],
    ['198.18.0.1', 'benchmarking'],
    ['198.51.100.1', 'TEST-NET-2'],
    ['203.0.113.1', 'TEST-NET-3'],
    ['192.88.99.1', '6to4 relay anycast'],
    // not an address
    ['not-an-ip', 'a name'],
    ['010.0.0.1', 'octal-looking'],
    ['0x7f.1', 'hex short form'],
    ['1.2.3', 'short form'],
    ['', 'empty'],
  ])('%s (%s) is never contacted', (address) => {
    expect(addressClass(address)).toBe('forbidden');
    expect(mayConnect(address, false)).toBe(false);
    expect(mayConnect(address, true)).toBe(false);
  });

  it('reads host literals before any DNS', () => {
    expect(isPrivateHostLiteral('localhost')).toBe(true);
    expect(isPrivateHostLiteral('api.localhost')).toBe(true);
    expect(isPrivateHostLiteral('[::1]')).toBe(true);
    expect(isPrivateHostLiteral('[::a00:1]')).toBe(true);
    expect(isPrivateHostLiteral('www.iso.org')).toBe(false);
    expect(isPrivateHostLiteral('8.8.8.8')).toBe(false);
    expect(isForbiddenHostLiteral('169.254.169.254')).toBe(true);
    expect(isForbiddenHostLiteral('[fe80::1]')).toBe(true);
    expect(isForbiddenHostLiteral('127.0.0.1')).toBe(false);
    expect(isForbiddenHostLiteral('localhost')).toBe(false); // a name: judged on its DNS answer
  });
});
