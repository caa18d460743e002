import type { FastifyInstance } from 'fastify';
import { createLogger } from '@fenta/core';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fenta/testing';
import { buildApp } from '../src/build-app';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const boardPassword = 'correct horse battery';

describe('request ids', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let app: FastifyInstance;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    redis = await createTestRedis();
    const logger = createLogger({ service: 'api-test', level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    app = await buildApp({ db: database.db, redis: redis.redis, logger, queues: [], board: { operator: boardPassword } });
    app.get('/work', async (request) => {
      request.log.info('doing the work');
      return { ok: true };
    });
    app.get('/crash', async () => {
      throw new Error('boom');
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await redis.cleanup();
    await database.drop();
  });

  it('takes a sane X-Request-Id from the caller and echoes it', async () => {
    for (const given of ['abc', 'trace.01-ABC_z', 'x'.repeat(128)]) {
      const response = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': given } });
      expect(response.headers['x-request-id']).toBe(given);
    }
  });

  it('replaces a missing, overlong or unsafe X-Request-Id with a new UUID, and echoes that', async () => {
    const seen = new Set<string>();
    for (const given of [undefined, '', 'x'.repeat(129), 'a b', '<script>', 'id\u00e9', 'a,b']) {
      const response = await app.inject({ method: 'GET', url: '/healthz', headers: given === undefined ? {} : { 'x-request-id': given } });
      const echoed = response.headers['x-request-id'] as string;
      expect(echoed).toMatch(uuid);
      seen.add(echoed);
    }
    expect(seen.size).toBe(7);
  });

  it('echoes the id on every kind of response: success, not found, unauthorized, refused by Fastify, failed', async () => {
    const requests = [
      { method: 'GET' as const, url: '/readyz', status: 200 },
      { method: 'GET' as const, url: '/nothing', status: 404 },
      { method: 'GET' as const, url: '/admin/queues', status: 401 },
      { method: 'GET' as const, url: '/admin/%E0%A4%A', status: 400 },
      { method: 'GET' as const, url: '/crash', status: 500 },
    ];
    for (const [index, request] of requests.entries()) {
      const response = await app.inject({ method: request.method, url: request.url, headers: { 'x-request-id': `every-${index}` } });
      expect([response.statusCode, response.headers['x-request-id']]).toEqual([request.status, `every-${index}`]);
      if (response.statusCode >= 400) expect(response.json().error.request_id).toBe(`every-${index}`);
    }
  });

  it('puts the id in every log line of the request', async () => {
    lines.length = 0;
    await app.inject({ method: 'GET', url: '/work', headers: { 'x-request-id': 'logged-1' } });
    await app.inject({ method: 'GET', url: '/crash', headers: { 'x-request-id': 'logged-2' } });
    expect(lines.map((line) => [line.requestId, line.msg])).toEqual([
      ['logged-1', 'incoming request'],
      ['logged-1', 'doing the work'],
      ['logged-1', 'request completed'],
      ['logged-2', 'incoming request'],
      ['logged-2', 'Internal error'],
      ['logged-2', 'request completed'],
    ]);
    // The server log keeps what the client is not shown.
    expect(lines[4]).toMatchObject({ level: 50, code: 'INTERNAL', err: { message: 'boom' } });
  });
});
