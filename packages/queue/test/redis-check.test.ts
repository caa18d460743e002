import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { findFreePort, startRedisServer } from '@fenta/local-services';
import { createRedisConnection, isRedisUnreachable, redisCheck } from '@fenta/queue';
import { testEnvironment } from '@fenta/testing';

describe('redisCheck', () => {
  it('passes when Redis answers PING', async () => {
    const redis = createRedisConnection(testEnvironment().redisUrl);
    try {
      await expect(redisCheck(redis)()).resolves.toBeUndefined();
    } finally {
      redis.disconnect();
    }
  });

  it('fails at once, with REDIS_UNREACHABLE, once the server it was connected to stops', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fenta-redis-check-'));
    const server = await startRedisServer({ dataDir: dir, port: await findFreePort(), appendOnly: false });
    const redis = createRedisConnection(server.url);
    redis.on('error', () => undefined);
    try {
      await expect(redisCheck(redis)()).resolves.toBeUndefined();
      const reconnecting = once(redis, 'reconnecting');
      await server.stop();
      await reconnecting;
      const failure = await redisCheck(redis)().catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'REDIS_UNREACHABLE', message: 'Redis at the connected server is unreachable: connection reconnecting' });
      expect(isRedisUnreachable(failure)).toBe(true);
    } finally {
      redis.disconnect();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('isRedisUnreachable', () => {
  it('is true for a command on a closed connection and for a command out of retries, false for a command Redis refuses', async () => {
    const closed = new Redis(testEnvironment().redisUrl, { lazyConnect: true });
    closed.disconnect();
    const onClosed = await closed.get('x').catch((error: unknown) => error);
    expect(onClosed).toMatchObject({ message: 'Connection is closed.' });
    expect(isRedisUnreachable(onClosed)).toBe(true);

    const nowhere = new Redis(`redis://127.0.0.1:${await findFreePort()}`, { maxRetriesPerRequest: 1, retryStrategy: () => 10 });
    nowhere.on('error', () => undefined);
    try {
      const outOfRetries = await nowhere.get('x').catch((error: unknown) => error);
      expect(outOfRetries).toMatchObject({ name: 'MaxRetriesPerRequestError' });
      expect(isRedisUnreachable(outOfRetries)).toBe(true);
    } finally {
      nowhere.disconnect();
    }

    const redis = new Redis(testEnvironment().redisUrl);
    try {
      const refused = await redis.eval('return redis.error_reply("WRONGTYPE not a list")', 0).catch((error: unknown) => error);
      expect(refused).toMatchObject({ name: 'ReplyError', message: 'WRONGTYPE not a list' });
      expect(isRedisUnreachable(refused)).toBe(false);
    } finally {
      redis.disconnect();
    }
  });
});
