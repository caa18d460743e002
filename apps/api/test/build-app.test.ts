import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '@fenta/core';
import { createRedisConnection } from '@fenta/queue';
import { findFreePort } from '@fenta/local-services';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fenta/testing';
import { buildApp } from '../src/build-app';

const logger = createLogger({ service: 'api-test', level: 'silent' });

describe('api app', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let queue: Queue;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    redis = await createTestRedis();
    queue = new Queue('renders', { connection: redis.redis, prefix: redis.prefix });
    app = await buildApp({ db: database.db, redis: redis.redis, logger, queues: [queue] });
  });
  afterAll(async () => {
    await app.close();
    await queue.close();
    await redis.cleanup();
    await database.drop();
  });

  it('answers /health with 200 when PostgreSQL and Redis answer', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('answers /health with 503 naming Redis when Redis is down', async () => {
    const deadRedis = createRedisConnection(`redis://127.0.0.1:${await findFreePort()}`);
    deadRedis.on('error', () => undefined);
    const degraded = await buildApp({ db: database.db, redis: deadRedis, logger, queues: [] });
    try {
      const response = await degraded.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: 'degraded', checks: { postgres: 'ok', redis: 'down' } });
    } finally {
      await degraded.close();
      deadRedis.disconnect();
    }
  });

  it('answers an unknown route with a coded 404 body', async () => {
    const response = await app.inject({ method: 'POST', url: '/v0/nothing?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route POST /v0/nothing', request_id: response.headers['x-request-id'] } });
  });
});
