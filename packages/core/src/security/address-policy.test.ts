import { checkAddress, classifyAddress } from './address-policy';

// Classification only: none of these addresses is ever connected to.
describe('classifyAddress', () => {
  it.each([
    ['93.184.216.34', 'public'],
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'carrier-grade-nat'],
    ['100.127.255.254', 'carrier-grade-nat'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:93.184.216.34', 'public'],
    ['::7f00:1', 'reserved'],
    ['64:ff9b::a00:1', 'ipv4-embedding'],
    ['2002:a00:1::1', 'ipv4-embedding'],
    ['2001:0::1', 'ipv4-embedding'],
    ['not-an-ip', 'invalid'],
    ['0177.0.0.1', 'invalid'],
    ['2130706433', 'invalid'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  // 172.15.x and 172.32.x sit just outside 172.16.0.0/12.
  it('draws the 172.16.0.0/12 boundary exactly', () => {
    expect(classifyAddress('172.15.255.255')).toBe('public');
    expect(classifyAddress('172.32.0.0')).toBe('public');
  });
});

describe('checkAddress', () => {
  it('allows public unicast only by default', () => {
    expect(checkAddress('93.184.216.34')).toEqual({ allowed: true, address: '93.184.216.34', family: 4, addressClass: 'public' });
    expect(checkAddress('127.0.0.1')).toEqual({ allowed: false, address: '127.0.0.1', addressClass: 'loopback' });
    expect(checkAddress('10.0.0.1')).toEqual({ allowed: false, address: '10.0.0.1', addressClass: 'private' });
  });

  it('unwraps IPv4-mapped IPv6 to the IPv4 address it reaches', () => {
    expect(checkAddress('::ffff:127.0.0.1')).toEqual({ allowed: false, address: '127.0.0.1', addressClass: 'loopback' });
    expect(checkAddress('::ffff:5db8:d822')).toEqual({ allowed: true, address: '93.184.216.34', family: 4, addressClass: 'public' });
  });

  it('allows loopback only when the policy says so, and nothing else with it', () => {
    expect(checkAddress('127.0.0.1', { allowLoopback: true })).toEqual({ allowed: true, address: '127.0.0.1', family: 4, addressClass: 'loopback' });
    expect(checkAddress('::1', { allowLoopback: true })).toEqual({ allowed: true, address: '::1', family: 6, addressClass: 'loopback' });
    expect(checkAddress('192.168.0.1', { allowLoopback: true })).toEqual({ allowed: false, address: '192.168.0.1', addressClass: 'private' });
  });

  it('allows exactly the listed addresses', () => {
    const policy = { allowAddresses: ['127.0.0.1'] };
    expect(checkAddress('127.0.0.1', policy).allowed).toBe(true);
    expect(checkAddress('::ffff:127.0.0.1', policy).allowed).toBe(true);
    expect(checkAddress('127.0.0.2', policy)).toEqual({ allowed: false, address: '127.0.0.2', addressClass: 'loopback' });
  });

  it('allows exactly the listed address and port pairs, and no other port of the same address', () => {
    const policy = { allowSockets: ['127.0.0.1:8080', '[::1]:9090'] };
    expect(checkAddress('127.0.0.1', policy, 8080).allowed).toBe(true);
    expect(checkAddress('::ffff:127.0.0.1', policy, 8080).allowed).toBe(true);
    expect(checkAddress('::1', policy, 9090).allowed).toBe(true);
    expect(checkAddress('127.0.0.1', policy, 8081)).toEqual({ allowed: false, address: '127.0.0.1', addressClass: 'loopback' });
    expect(checkAddress('::1', policy, 8080)).toEqual({ allowed: false, address: '::1', addressClass: 'loopback' });
    // Without a port, a socket entry allows nothing.
    expect(checkAddress('127.0.0.1', policy)).toEqual({ allowed: false, address: '127.0.0.1', addressClass: 'loopback' });
  });
});
