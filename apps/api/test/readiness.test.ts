import { once } from 'node:events';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { createLogger } from '@fenta/core';
import { createDatabase, defaultMigrationsDir, migrateOrThrow, readMigrationFiles } from '@fenta/db';
import { findFreePort, startRedisServer, type RunningRedis } from '@fenta/local-services';
import { createRedisConnection } from '@fenta/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fenta/testing';
import { buildApp } from '../src/build-app';

const logger = createLogger({ service: 'api-test', level: 'silent' });

describe('liveness and readiness', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    redis = await createTestRedis();
    app = await buildApp({ db: database.db, redis: redis.redis, logger, queues: [] });
  });
  afterAll(async () => {
    await app.close();
    await redis.cleanup();
    await database.drop();
  });

  it('answers /healthz with 200 and no checks', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when PostgreSQL and Redis answer and the migrations are current', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' } });
  });

  it('keeps /health as it was: PostgreSQL and Redis only', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('answers /readyz with 503 naming PostgreSQL (and the migrations it cannot read) when PostgreSQL is unreachable, while /healthz stays 200', async () => {
    const unreachable = createDatabase<any>({ url: `postgres://fenta@127.0.0.1:${await findFreePort()}/fenta` });
    const degraded = await buildApp({ db: unreachable, redis: redis.redis, logger, queues: [] });
    try {
      const ready = await degraded.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ status: 'unavailable', checks: { postgres: 'down', redis: 'ok', migrations: 'down' } });
      expect((await degraded.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await degraded.close();
      await unreachable.destroy();
    }
  });

  it('answers /readyz with 503 naming the migration files the database has not applied', async () => {
    const files = await readMigrationFiles();
    const dir = await mkdtemp(path.join(tmpdir(), 'fenta-some-migrations-'));
    const behind = await createTestDatabase({ migrated: false });
    let db: Kysely<any> | undefined;
    try {
      for (const file of files.slice(0, -2)) await copyFile(path.join(defaultMigrationsDir, file.name), path.join(dir, file.name));
      db = createDatabase<any>({ url: behind.url, poolSize: 2 });
      await migrateOrThrow(db, { migrationsDir: dir });
      const stale = await buildApp({ db, redis: redis.redis, logger, queues: [] });
      try {
        const response = await stale.inject({ method: 'GET', url: '/readyz' });
        expect(response.statusCode).toBe(503);
        expect(response.json()).toEqual({
          status: 'unavailable',
          checks: {
            postgres: 'ok',
            redis: 'ok',
            migrations: `pending: ${files
              .slice(-2)
              .map((file) => file.name)
              .join(', ')}`,
          },
        });
      } finally {
        await stale.close();
      }
    } finally {
      await db?.destroy();
      await behind.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers /readyz with 503 naming Redis once the Redis server it used stops', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fenta-api-redis-'));
    let server: RunningRedis | undefined = await startRedisServer({ dataDir: dir, port: await findFreePort(), appendOnly: false });
    const own = createRedisConnection(server.url);
    own.on('error', () => undefined);
    const dependent = await buildApp({ db: database.db, redis: own, logger, queues: [] });
    try {
      expect((await dependent.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
        status: 'ok',
        checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' },
      });
      const reconnecting = once(own, 'reconnecting');
      await server.stop();
      server = undefined;
      await reconnecting;
      const response = await dependent.inject({ method: 'GET', url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'down', migrations: 'ok' } });
      expect((await dependent.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await dependent.close();
      own.disconnect();
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
