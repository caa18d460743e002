import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '@fenta/core';
import { createRedisConnection } from '@fenta/queue';
import { findFreePort } from '@fenta/local-services';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fenta/testing';
import { buildApp } from '../src/build-app';

const logger = createLogger({ service: 'api-test', level: 'silent' });
const boardPassword = 'correct horse battery';

describe('api app', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let queue: Queue;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    redis = await createTestRedis();
    queue = new Queue('renders', { connection: redis.redis, prefix: redis.prefix });
    app = await buildApp({ db: database.db, redis: redis.redis, logger, queues: [queue], boardPassword });
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

  it('guards Bull Board with the operator password', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/admin/queues' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="Fenta queues", charset="UTF-8"');
    expect(anonymous.json()).toEqual({
      error: {
        code: 'BOARD_UNAUTHORIZED',
        message: 'Bull Board needs the operator password (HTTP basic auth, user "operator")',
        request_id: anonymous.headers['x-request-id'],
      },
    });

    const wrong = await app.inject({ method: 'GET', url: '/admin/queues', headers: { authorization: basic('operator', 'nope') } });
    expect(wrong.statusCode).toBe(401);

    const api = await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { authorization: basic('operator', boardPassword) } });
    expect(api.statusCode).toBe(200);
    expect(api.json().queues.map((q: { name: string }) => q.name)).toEqual(['renders']);
  });

  it('does not serve Bull Board at all without a password', async () => {
    const open = await buildApp({ db: database.db, redis: redis.redis, logger, queues: [queue] });
    try {
      const response = await open.inject({ method: 'GET', url: '/admin/queues' });
      expect(response.statusCode).toBe(404);
    } finally {
      await open.close();
    }
  });
});

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
