import { Redis } from 'ioredis';
import { FentaError, redactUrl } from '@fenta/core';

/** How long a command of a fail-fast connection waits for Redis to answer. */
export const failFastCommandTimeoutMs = 2_000;

/**
 * Opens a Redis connection suited to BullMQ: `maxRetriesPerRequest: null` so
 * blocking commands wait through reconnects instead of failing jobs.
 * `failFast` is for connections that serve requests (the API's), which never
 * run blocking commands: while Redis is away a command fails at once instead
 * of waiting in the connection's offline queue for it to come back (BullMQ's
 * advice for queues that producers add to in a handler), and a Redis that
 * holds the connection open but does not answer fails a command after
 * `failFastCommandTimeoutMs`. Either way nobody's request waits on Redis.
 */
export function createRedisConnection(url: string, options: { connectionName?: string; failFast?: boolean } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    ...(options.failFast ? { enableOfflineQueue: false, commandTimeout: failFastCommandTimeoutMs } : {}),
    connectionName: options.connectionName,
    lazyConnect: true,
  });
}

/** Connects (if needed) and pings, turning a failure into REDIS_UNREACHABLE with the (redacted) target. */
export async function connectRedis(redis: Redis, url: string, timeoutMs = 10_000): Promise<void> {
  try {
    if (redis.status === 'wait') await withTimeout(redis.connect(), timeoutMs);
    await withTimeout(redis.ping(), timeoutMs);
  } catch (cause) {
    throw new FentaError('REDIS_UNREACHABLE', { target: redactUrl(url), reason: cause instanceof Error ? cause.message : String(cause) }, { cause });
  }
}

/**
 * Refuses a Redis that may evict keys: under any policy but `noeviction`,
 * memory pressure silently deletes queued jobs. Managed Redis often disables
 * CONFIG, so the policy is read from INFO when CONFIG is refused.
 */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const policy = await readEvictionPolicy(redis);
  if (policy !== 'noeviction') throw new FentaError('REDIS_EVICTION_POLICY', { policy });
}

export async function readEvictionPolicy(redis: Redis): Promise<string> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    if (reply[1]) return reply[1];
  } catch {
    // CONFIG is disabled on some managed services; INFO still says.
  }
  const info = await redis.info('memory');
  const match = /^maxmemory_policy:(\S+)/m.exec(info);
  return match?.[1] ?? 'unknown';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
