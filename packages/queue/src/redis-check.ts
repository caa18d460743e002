import type { Redis } from 'ioredis';
import { FentaError, type ReadinessCheck } from '@fenta/core';

// A client in these states queues commands until it reconnects, so a PING would only time out.
const lostStatuses = new Set(['reconnecting', 'close', 'end']);

/** A readiness check that Redis answers PING on `redis`; a connection already lost fails at once. */
export function redisCheck(redis: Redis): ReadinessCheck {
  return async () => {
    if (lostStatuses.has(redis.status)) throw new FentaError('REDIS_UNREACHABLE', { target: 'the connected server', reason: `connection ${redis.status}` });
    await redis.ping();
  };
}
