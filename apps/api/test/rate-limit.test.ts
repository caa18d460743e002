import { buildApp } from '../src/build-app';
import { silentLogger, startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

describe('per-key rate limits', () => {
  let bed: ApiTestbed;
  let caller: TestCaller;
  const perMinute = 5;

  beforeAll(async () => {
    bed = await startApiTestbed({ rateLimit: { perMinute, keyPrefix: 'unused:' } });
    caller = await bed.newOrg('limited');
  });
  afterAll(() => bed.close());

  it('holds one limit per key across two API instances on one Redis, with RateLimit headers and Retry-After', async () => {
    const keyPrefix = `${bed.redis.prefix}:rate:`;
    const replicas = await Promise.all(
      [0, 1].map(() => buildApp({ db: bed.database.db, redis: bed.redis.redis, logger: silentLogger, queues: [], rateLimit: { perMinute, keyPrefix } })),
    );
    try {
      const remaining: number[] = [];
      for (let i = 0; i < perMinute; i += 1) {
        const response = await replicas[i % 2]!.inject({ method: 'GET', url: '/v1/api-keys', headers: caller.headers });
        expect(response.statusCode).toBe(200);
        expect(response.headers['ratelimit-limit']).toBe(String(perMinute));
        remaining.push(Number(response.headers['ratelimit-remaining']));
      }
      expect(remaining).toEqual([4, 3, 2, 1, 0]);

      const refused = await replicas[1]!.inject({ method: 'GET', url: '/v1/api-keys', headers: caller.headers });
      expect(refused.statusCode).toBe(429);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.json()).toEqual({
        error: {
          code: 'RATE_LIMITED',
          message: `Too many requests with this API key: at most ${perMinute} a minute; try again in ${retryAfter} s`,
          details: { limit_per_minute: perMinute, retry_after_seconds: retryAfter },
          request_id: refused.headers['x-request-id'],
        },
      });

      // Another key of the same org has its own counter.
      const colleague = await bed.member(caller, 'admin');
      expect((await replicas[0]!.inject({ method: 'GET', url: '/v1/api-keys', headers: colleague.headers })).statusCode).toBe(200);

      // When the minute passes (the counter expires), the key may go on.
      const counters = await bed.redis.redis.keys(`${keyPrefix}*`);
      expect(counters.some((counter) => counter.includes(caller.keyId))).toBe(true);
      await bed.redis.redis.del(...counters.filter((counter) => counter.includes(caller.keyId)));
      expect((await replicas[0]!.inject({ method: 'GET', url: '/v1/api-keys', headers: caller.headers })).statusCode).toBe(200);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  });

  it('refuses an unauthenticated request before counting it against anyone', async () => {
    const response = await bed.app.inject({ method: 'GET', url: '/v1/api-keys' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['ratelimit-limit']).toBeUndefined();
  });
});
