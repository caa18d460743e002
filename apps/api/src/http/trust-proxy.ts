import { isIP } from 'node:net';

/**
 * Which proxies in front of the API may say who the client is (X-Forwarded-For):
 * none, all, the nearest `hops`, or those at the given addresses and ranges.
 */
export type TrustProxy = boolean | { hops: number } | string[];

// The named ranges proxy-addr (Fastify's) understands besides addresses and CIDRs.
const namedRanges = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Reads `FENTA_TRUST_PROXY`: unset, empty, `false` or `0` trust nothing;
 * `true` trusts every hop; a whole number trusts that many hops; otherwise a
 * comma-separated list of IP addresses, CIDR ranges or proxy-addr's names.
 * Returns the problem as a string when the value is none of these.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy | { problem: string } {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text) === 0 ? false : { hops: Number(text) };
  const entries = text.split(',').map((entry) => entry.trim());
  const wrong = entries.find((entry) => !isAddressOrRange(entry));
  if (wrong !== undefined) {
    return { problem: `must be true, false, a hop count, or a comma-separated list of IP addresses and CIDR ranges; "${wrong}" is none of these` };
  }
  return entries;
}

/** The value of Fastify's `trustProxy` option for a setting. */
export function fastifyTrustProxy(setting: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'boolean' || Array.isArray(setting)) return setting;
  // Fastify takes a bare number as "trust nothing" (the nearest peer cannot be checked); asked for hops, we trust that many.
  return (_address, hop) => hop < setting.hops;
}

function isAddressOrRange(entry: string): boolean {
  if (namedRanges.has(entry) || isIP(entry) !== 0) return true;
  const match = /^(.+)\/(\d{1,3})$/.exec(entry);
  if (!match) return false;
  const version = isIP(match[1]!);
  const prefix = Number(match[2]);
  return (version === 4 && prefix <= 32) || (version === 6 && prefix <= 128);
}
