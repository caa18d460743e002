import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Redis } from 'ioredis';
import { FentaError } from '@fenta/core';

/** How many failed logins one client address may make, and for how long they count. */
export interface LoginThrottleSettings {
  maxFailures: number;
  windowMs: number;
  /** Where the counters live in Redis; one key per client address under it. */
  keyPrefix: string;
}

export const defaultLoginThrottle: LoginThrottleSettings = {
  maxFailures: 10,
  windowMs: 15 * 60_000,
  keyPrefix: 'fenta:board:login-failures:',
};

// One round trip, atomic: the window starts at the first failure and later failures do not stretch it,
// so a blocked address is let in again when it ends, however often it kept trying.
const countFailure = `
local failures = redis.call('INCR', KEYS[1])
local remaining = redis.call('PTTL', KEYS[1])
if remaining < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  remaining = tonumber(ARGV[1])
end
return { failures, remaining }
`;

// The API's connection queues commands through an outage (BullMQ needs it to); a login must not wait that long.
const lostStatuses = new Set(['reconnecting', 'close', 'end']);

/**
 * Counts failed Bull Board logins per client address in Redis, so the limit
 * holds across every API replica on it. The address is hashed into the key:
 * Redis holds no client addresses, and no address can shape a key.
 */
export class LoginThrottle {
  readonly settings: LoginThrottleSettings;

  constructor(
    private readonly redis: Redis,
    settings: Partial<LoginThrottleSettings> = {},
  ) {
    this.settings = { ...defaultLoginThrottle, ...settings };
  }

  /** How long `address` must still wait before it may log in again; 0 when it may now. */
  async waitMs(address: string): Promise<number> {
    this.assertConnected();
    const key = this.keyFor(address);
    const [failures, remaining] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    return Number(failures ?? 0) >= this.settings.maxFailures ? Math.max(remaining, 1) : 0;
  }

  /** Counts a failed login of `address`: the failures in its window, and how long the address must wait (0 while under the limit). */
  async recordFailure(address: string): Promise<{ failures: number; waitMs: number }> {
    this.assertConnected();
    const [failures, remaining] = (await this.redis.eval(countFailure, 1, this.keyFor(address), this.settings.windowMs)) as [number, number];
    return { failures, waitMs: failures > this.settings.maxFailures ? Math.max(remaining, 1) : 0 };
  }

  private assertConnected(): void {
    if (lostStatuses.has(this.redis.status)) {
      throw new FentaError('REDIS_UNREACHABLE', { target: 'the connected server', reason: `connection ${this.redis.status}` });
    }
  }

  private keyFor(address: string): string {
    return `${this.settings.keyPrefix}${createHash('sha256').update(clientOf(address)).digest('hex')}`;
  }
}

/**
 * Whose attempts count together: an IPv4 address, or an IPv6 address's /64,
 * the block one site or host is given, so a client cannot get fresh tries by
 * stepping through the addresses of its own network.
 */
export function clientOf(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

// The eight groups of an IPv6 address, `::` filled in, as lower-case hex without leading zeros.
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::');
  // A dotted IPv4 tail (`64:ff9b::192.0.2.1`) stands for the last two groups.
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').flatMap((group) => (group.includes('.') ? dottedGroups(group) : [group])));
  const left = groupsOf(head);
  const right = tail === undefined ? [] : groupsOf(tail);
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return groups.map((group) => Number.parseInt(group, 16).toString(16));
}

function dottedGroups(dotted: string): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
