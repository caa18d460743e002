import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { testEnvironment } from './test-environment';

/** A Redis connection and a key prefix no other test uses; `cleanup` deletes the prefix's keys and disconnects. */
export interface TestRedis {
  url: string;
  prefix: string;
  redis: Redis;
  cleanup(): Promise<void>;
}

export async function createTestRedis(): Promise<TestRedis> {
  const { redisUrl } = testEnvironment();
  const prefix = `fenta-test-${randomBytes(5).toString('hex')}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  return {
    url: redisUrl,
    prefix,
    redis,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
