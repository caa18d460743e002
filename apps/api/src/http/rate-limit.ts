import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { FentaError } from '@fenta/core';

export interface RateLimitSettings {
  /** Requests per key per minute. */
  perMinute: number;
  /** Prefix of the counters in Redis. */
  keyPrefix?: string;
}

// ioredis queues commands while it reconnects (the queue connection never gives up on one), which
// would hold every request until Redis is back; a request instead answers 503 at once.
const lostStatuses = new Set(['close', 'end', 'reconnecting', 'connecting', 'wait']);

/**
 * Per-key rate limits for /v1 (@fastify/rate-limit): the counters live in
 * Redis, so the limit holds across API replicas; answers carry the draft
 * standard `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
 * headers, and a refusal is 429 RATE_LIMITED with `Retry-After`. It runs
 * after authentication (the counter is the key's), before the body is read.
 */
export async function registerRateLimit(v1: FastifyInstance, redis: Redis, settings: RateLimitSettings): Promise<void> {
  v1.addHook('preParsing', async () => {
    if (lostStatuses.has(redis.status)) throw new FentaError('REDIS_UNREACHABLE', { target: 'the connected server', reason: `connection ${redis.status}` });
  });
  await v1.register(rateLimit, {
    hook: 'preParsing',
    redis,
    nameSpace: settings.keyPrefix ?? 'fenta:rate-limit:',
    max: settings.perMinute,
    timeWindow: 60_000,
    enableDraftSpec: true,
    keyGenerator: (request: FastifyRequest) => request.caller?.keyId ?? `ip:${request.ip}`,
    errorResponseBuilder: (_request, context) =>
      new FentaError(
        'RATE_LIMITED',
        { limit: context.max, seconds: Math.max(1, Math.ceil(context.ttl / 1000)) },
        { details: { limit_per_minute: context.max, retry_after_seconds: Math.max(1, Math.ceil(context.ttl / 1000)) } },
      ),
  });
}
