import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort, startRedisServer, type RunningRedis } from '@fenta/local-services';
import { once } from 'node:events';
import { assertNoEviction, connectRedis, createRedisConnection, failFastCommandTimeoutMs, isRedisUnreachable, readEvictionPolicy } from '@fenta/queue';
import { testEnvironment } from '@fenta/testing';

describe('assertNoEviction', () => {
  it('accepts the noeviction Redis the suite runs on', async () => {
    const redis = createRedisConnection(testEnvironment().redisUrl);
    try {
      await connectRedis(redis, testEnvironment().redisUrl);
      expect(await readEvictionPolicy(redis)).toBe('noeviction');
      await expect(assertNoEviction(redis)).resolves.toBeUndefined();
    } finally {
      redis.disconnect();
    }
  });

  describe('on a Redis that evicts keys', () => {
    let server: RunningRedis;
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'fenta-redis-'));
      server = await startRedisServer({ dataDir: dir, port: await findFreePort(), appendOnly: false, maxmemoryPolicy: 'allkeys-lru' });
    });
    afterAll(async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('refuses it with REDIS_EVICTION_POLICY naming the policy', async () => {
      const redis = createRedisConnection(server.url);
      try {
        await connectRedis(redis, server.url);
        await expect(assertNoEviction(redis)).rejects.toMatchObject({
          code: 'REDIS_EVICTION_POLICY',
          message: 'Redis maxmemory-policy is "allkeys-lru"; queues need "noeviction" or Redis may silently drop jobs',
        });
      } finally {
        redis.disconnect();
      }
    });
  });

  it('reports an unreachable Redis with REDIS_UNREACHABLE and the target', async () => {
    const port = await findFreePort();
    const url = `redis://127.0.0.1:${port}`;
    const redis = createRedisConnection(url);
    redis.on('error', () => undefined);
    try {
      await expect(connectRedis(redis, url, 2_000)).rejects.toMatchObject({ code: 'REDIS_UNREACHABLE' });
    } finally {
      redis.disconnect();
    }
  });
});

describe('createRedisConnection', () => {
  it('refuses a command at once while Redis is away when it fails fast, and works again once Redis is back', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fenta-redis-'));
    const port = await findFreePort();
    let server: RunningRedis | undefined = await startRedisServer({ dataDir: dir, port, appendOnly: false });
    const redis = createRedisConnection(server.url, { failFast: true });
    redis.on('error', () => undefined);
    try {
      await connectRedis(redis, server.url);
      const lost = once(redis, 'reconnecting');
      await server.stop();
      server = undefined;
      await lost;
      const refused = await redis.ping().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isRedisUnreachable(refused)).toBe(true);
      // Not events.once: it gives up on the connection errors that come first.
      const back = new Promise((resolve) => redis.once('ready', resolve));
      server = await startRedisServer({ dataDir: dir, port, appendOnly: false });
      await back;
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails a command after the command timeout when Redis holds the connection but does not answer', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fenta-redis-'));
    const server = await startRedisServer({ dataDir: dir, port: await findFreePort(), appendOnly: false });
    const redis = createRedisConnection(server.url, { failFast: true });
    redis.on('error', () => undefined);
    try {
      await connectRedis(redis, server.url);
      // Stopped, not gone: the socket stays open and nothing answers.
      process.kill(server.pid!, 'SIGSTOP');
      const started = performance.now();
      const refused = await redis.ping().then(
        () => undefined,
        (error: unknown) => error,
      );
      const waitedMs = performance.now() - started;
      process.kill(server.pid!, 'SIGCONT');
      expect(isRedisUnreachable(refused)).toBe(true);
      expect(waitedMs).toBeGreaterThanOrEqual(failFastCommandTimeoutMs - 50);
      expect(waitedMs).toBeLessThan(failFastCommandTimeoutMs + 2_000);
      expect(await redis.ping()).toBe('PONG');
    } finally {
      process.kill(server.pid!, 'SIGCONT');
      await redis.quit();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
