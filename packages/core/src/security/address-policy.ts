import ipaddr from 'ipaddr.js';

/**
 * What kind of address an IP is, as far as connecting to it on a user's
 * behalf goes (stock downloads, webhook deliveries). Only `public` (global
 * unicast) may be reached by default: everything else is this machine, the
 * local network, or not a real destination.
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade-nat'
  | 'unique-local'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved'
  /** IPv6 forms that embed an IPv4 address (NAT64, 6to4, Teredo): they could reach any IPv4 network. */
  | 'ipv4-embedding'
  | 'invalid';

/**
 * Which addresses a download or a webhook may connect to. The default (`{}`)
 * allows only public unicast; the exceptions exist for tests and local fake servers.
 */
export interface AddressPolicy {
  /** Also allow 127.0.0.0/8 and ::1. */
  allowLoopback?: boolean;
  /** Also allow exactly these addresses (e.g. `['127.0.0.1']`), whatever their class. */
  allowAddresses?: readonly string[];
  /**
   * Also allow exactly these address and port pairs (`127.0.0.1:8080`,
   * `[::1]:8080`), whatever the address's class: one local receiver, and no
   * other service on the same machine.
   */
  allowSockets?: readonly string[];
}

/** The verdict on one address: the address to connect to (IPv4-mapped IPv6 unwrapped) and its class. */
export type AddressVerdict =
  { allowed: true; address: string; family: 4 | 6; addressClass: AddressClass } | { allowed: false; address: string; addressClass: AddressClass };

const ipv4Classes: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade-nat',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
};

const ipv6Classes: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  linkLocal: 'link-local',
  deprecatedSiteLocal: 'private',
  uniqueLocal: 'unique-local',
  multicast: 'multicast',
  unspecified: 'unspecified',
  rfc6145: 'ipv4-embedding',
  rfc6052: 'ipv4-embedding',
  '6to4': 'ipv4-embedding',
  teredo: 'ipv4-embedding',
};

// Global unicast IPv6 is 2000::/3; ipaddr.js calls anything outside its
// special ranges "unicast", including unassigned space such as ::/96 (the old
// IPv4-compatible form, `::127.0.0.1`), which must not count as public.
const globalUnicastV6 = ipaddr.IPv6.parseCIDR('2000::/3');

/** Classifies an IP address literal (v4 or v6, brackets and zone ids tolerated) without touching the network. */
export function classifyAddress(address: string): AddressClass {
  const parsed = parseAddress(address);
  if (!parsed) return 'invalid';
  return classOf(parsed);
}

/**
 * Decides whether a user-supplied URL may connect to `address` (on `port`,
 * which only `allowSockets` looks at) under `policy`.
 */
export function checkAddress(address: string, policy: AddressPolicy = {}, port?: number): AddressVerdict {
  const parsed = parseAddress(address);
  if (!parsed) return { allowed: false, address, addressClass: 'invalid' };
  const addressClass = classOf(parsed);
  const normalized = parsed.toString();
  const allowed =
    addressClass === 'public' ||
    (addressClass === 'loopback' && policy.allowLoopback === true) ||
    (policy.allowAddresses ?? []).some((allowedAddress) => parseAddress(allowedAddress)?.toString() === normalized) ||
    (port !== undefined && (policy.allowSockets ?? []).some((socket) => sameSocket(socket, normalized, port)));
  if (!allowed) return { allowed: false, address: normalized, addressClass };
  return { allowed: true, address: normalized, family: parsed.kind() === 'ipv4' ? 4 : 6, addressClass };
}

/** Whether `host` (a URL hostname, maybe bracketed) is an IP literal rather than a name to resolve. */
export function isIpLiteral(host: string): boolean {
  return parseAddress(host) !== undefined;
}

function sameSocket(socket: string, address: string, port: number): boolean {
  const match = /^(.*):(\d{1,5})$/.exec(socket);
  return match !== null && Number(match[2]) === port && parseAddress(match[1]!)?.toString() === address;
}

function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  // isValidFourPartDecimal refuses the shorthand forms (`127.1`, `0x7f.1`) that
  // ipaddr.js would otherwise read; URL hostnames arrive already normalised,
  // so a non-canonical form here means the caller skipped the URL parser.
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (ipaddr.IPv6.isValid(bare)) {
    const v6 = ipaddr.IPv6.parse(bare);
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) reaches the IPv4 host:
    // judge and connect to that one.
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
  }
  return undefined;
}

function classOf(address: ipaddr.IPv4 | ipaddr.IPv6): AddressClass {
  if (address.kind() === 'ipv4') return ipv4Classes[address.range()] ?? 'reserved';
  const v6 = address as ipaddr.IPv6;
  const addressClass = ipv6Classes[v6.range()] ?? 'reserved';
  if (addressClass === 'public' && !v6.match(globalUnicastV6)) return 'reserved';
  return addressClass;
}
