import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { sql, type Kysely } from 'kysely';
import { createLogger, FentaError } from '@fenta/core';
import { createDatabase } from '@fenta/db';
import { findFreePort } from '@fenta/local-services';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fenta/testing';
import { buildApp } from '../src/build-app';

const logger = createLogger({ service: 'api-test', level: 'silent' });
const id = 'req-test-1';
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const thingSchema = {
  body: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string' },
      items: { type: 'array', items: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } } },
    },
  },
} as const;

/** The API's answers to requests Fastify refuses, and to handlers that fail, with small routes registered for the test. */
describe('api error handler', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let app: FastifyInstance;
  let unreachableDb: Kysely<any>;
  let ownDb: Kysely<any>;
  let closedRedis: Redis;
  let limitedRedis: Redis;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    redis = await createTestRedis();
    unreachableDb = createDatabase<any>({ url: `postgres://fenta:secret@127.0.0.1:${await findFreePort()}/fenta` });
    ownDb = createDatabase<any>({ url: database.url, poolSize: 1 });
    closedRedis = new Redis(redis.url, { lazyConnect: true });
    closedRedis.disconnect();
    limitedRedis = new Redis(`redis://127.0.0.1:${await findFreePort()}`, { maxRetriesPerRequest: 1, retryStrategy: () => 10 });
    limitedRedis.on('error', () => undefined);

    app = await buildApp({ db: database.db, redis: redis.redis, logger, queues: [] });
    app.post('/things', { schema: thingSchema }, async () => ({ ok: true }));
    app.post('/small', { bodyLimit: 16 }, async () => ({ ok: true }));
    app.get('/things/:id', async () => ({ ok: true }));
    app.get('/search', { schema: { querystring: { type: 'object', properties: { limit: { type: 'integer', maximum: 100 } } } } }, async () => ({ ok: true }));
    app.get('/crash', async () => {
      throw new Error('duplicate key in SELECT secret FROM api_keys');
    });
    app.get('/fenta/job', async () => {
      throw new FentaError('JOB_NOT_FOUND', { job: 'job_1' });
    });
    app.get('/fenta/storage', async () => {
      throw new FentaError('STORAGE_FAILED', { operation: 'get', key: 'orgs/o/jobs/j/n6/video.mp4', reason: 'bucket internal-media at 10.0.0.7 refused' });
    });
    app.get('/teapot', async () => {
      throw Object.assign(new Error('This server is a teapot'), { statusCode: 418 });
    });
    app.get('/postgres/unreachable', async () => sql`SELECT 1`.execute(unreachableDb));
    app.get('/postgres/terminated', async () => sql`SELECT pg_terminate_backend(pg_backend_pid())`.execute(ownDb));
    app.get('/redis/closed', async () => closedRedis.get('x'));
    app.get('/redis/unreachable', async () => limitedRedis.get('x'));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await unreachableDb.destroy();
    await ownDb.destroy();
    limitedRedis.disconnect();
    await redis.cleanup();
    await database.drop();
  });

  const post = (url: string, payload: string | undefined, contentType?: string) =>
    app.inject({ method: 'POST', url, payload, headers: { 'x-request-id': id, ...(contentType ? { 'content-type': contentType } : {}) } });
  const get = (url: string) => app.inject({ method: 'GET', url, headers: { 'x-request-id': id } });

  it('passes a valid body through to the handler', async () => {
    const response = await post('/things', JSON.stringify({ name: 'a', items: [{ id: 1 }] }), 'application/json');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true });
  });

  it('answers malformed JSON with 400 REQUEST_BODY_MALFORMED', async () => {
    const response = await post('/things', '{"name":', 'application/json');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['x-request-id']).toBe(id);
    expect(response.json()).toEqual({
      error: { code: 'REQUEST_BODY_MALFORMED', message: 'Request body cannot be read: it is not valid JSON', request_id: id },
    });
  });

  it('answers a prototype-poisoning body as malformed JSON', async () => {
    const response = await post('/things', '{"name":"a","__proto__":{"admin":true}}', 'application/json');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('REQUEST_BODY_MALFORMED');
  });

  it('answers an empty JSON body, or no body at all, with 400 REQUEST_BODY_EMPTY', async () => {
    const expected = { error: { code: 'REQUEST_BODY_EMPTY', message: 'POST /things needs a JSON body', request_id: id } };
    const empty = await post('/things', '', 'application/json');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual(expected);
    const none = await post('/things', undefined);
    expect(none.statusCode).toBe(400);
    expect(none.json()).toEqual(expected);
  });

  it('answers a body over the route limit with 413 REQUEST_TOO_LARGE and the limit', async () => {
    const response = await post('/small', JSON.stringify({ name: 'more than sixteen bytes' }), 'application/json');
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      error: { code: 'REQUEST_TOO_LARGE', message: 'Request body is larger than 16 bytes', details: { limit_bytes: 16 }, request_id: id },
    });
  });

  it('answers a content type it cannot read, or a malformed one, with 415 REQUEST_CONTENT_TYPE_UNSUPPORTED', async () => {
    const xml = await post('/things', '<thing/>', 'application/xml');
    expect(xml.statusCode).toBe(415);
    expect(xml.json()).toEqual({
      error: { code: 'REQUEST_CONTENT_TYPE_UNSUPPORTED', message: 'Content type application/xml is not supported; send application/json', request_id: id },
    });
    const malformed = await post('/things', '{}', 'no such type');
    expect(malformed.statusCode).toBe(415);
    expect(malformed.json()).toEqual({
      error: { code: 'REQUEST_CONTENT_TYPE_UNSUPPORTED', message: 'Content type no such type is not supported; send application/json', request_id: id },
    });
  });

  it('answers a schema failure with 400 REQUEST_INVALID naming the field path, also for a missing field', async () => {
    const missing = await post('/things', JSON.stringify({ items: [] }), 'application/json');
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({
      error: {
        code: 'REQUEST_INVALID',
        message: 'Request is invalid: body.name is required',
        details: { problems: [{ path: 'body.name', message: 'is required' }] },
        request_id: id,
      },
    });

    const nested = await post('/things', JSON.stringify({ name: 'a', items: [{ id: 1 }, { id: 'two' }] }), 'application/json');
    expect(nested.statusCode).toBe(400);
    expect(nested.json()).toEqual({
      error: {
        code: 'REQUEST_INVALID',
        message: 'Request is invalid: body.items[1].id must be integer',
        details: { problems: [{ path: 'body.items[1].id', message: 'must be integer' }] },
        request_id: id,
      },
    });

    const query = await get('/search?limit=1000');
    expect(query.statusCode).toBe(400);
    expect(query.json()).toEqual({
      error: {
        code: 'REQUEST_INVALID',
        message: 'Request is invalid: querystring.limit must be <= 100',
        details: { problems: [{ path: 'querystring.limit', message: 'must be <= 100' }] },
        request_id: id,
      },
    });
  });

  it('answers a badly encoded URL with 400 REQUEST_URL_INVALID and an overlong parameter with 414 REQUEST_URL_TOO_LONG', async () => {
    const bad = await get('/things/%E0%A4%A');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['x-request-id']).toBe(id);
    expect(bad.json()).toEqual({ error: { code: 'REQUEST_URL_INVALID', message: 'URL /things/%E0%A4%A is not validly percent-encoded', request_id: id } });

    const long = await get(`/things/${'x'.repeat(300)}`);
    expect(long.statusCode).toBe(414);
    expect(long.headers['x-request-id']).toBe(id);
    expect(long.json()).toEqual({
      error: { code: 'REQUEST_URL_TOO_LONG', message: `A parameter of URL /things/${'x'.repeat(192)}… is longer than the API accepts`, request_id: id },
    });
  });

  it('answers any other 4xx with REQUEST_INVALID and its message, never with an FST_ code', async () => {
    const response = await get('/teapot');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: { code: 'REQUEST_INVALID', message: 'Request is invalid: This server is a teapot', request_id: id } });
  });

  it('answers a Fenta error with its own status, message and code', async () => {
    const response = await get('/fenta/job');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'JOB_NOT_FOUND', message: 'Job job_1 not found', request_id: id } });
  });

  it('answers a 5xx with its code and what the code means, never the message that holds internals', async () => {
    const crash = await get('/crash');
    expect(crash.statusCode).toBe(500);
    expect(crash.json()).toEqual({
      error: { code: 'INTERNAL', message: 'An unexpected failure; details are in the server log, never in the response.', request_id: id },
    });

    const storage = await get('/fenta/storage');
    expect(storage.statusCode).toBe(503);
    expect(storage.json()).toEqual({ error: { code: 'STORAGE_FAILED', message: 'The storage backend (local disk or S3) failed.', request_id: id } });
  });

  it('answers PostgreSQL out of reach, or a session it ended, with 503 DB_UNREACHABLE', async () => {
    const expected = { error: { code: 'DB_UNREACHABLE', message: 'The database did not accept a connection.', request_id: id } };
    const unreachable = await get('/postgres/unreachable');
    expect(unreachable.statusCode).toBe(503);
    expect(unreachable.json()).toEqual(expected);
    const terminated = await get('/postgres/terminated');
    expect(terminated.statusCode).toBe(503);
    expect(terminated.json()).toEqual(expected);
  });

  it('answers a closed Redis connection, or one out of retries, with 503 REDIS_UNREACHABLE', async () => {
    const expected = { error: { code: 'REDIS_UNREACHABLE', message: 'Redis did not answer.', request_id: id } };
    const closed = await get('/redis/closed');
    expect(closed.statusCode).toBe(503);
    expect(closed.json()).toEqual(expected);
    const unreachable = await get('/redis/unreachable');
    expect(unreachable.statusCode).toBe(503);
    expect(unreachable.json()).toEqual(expected);
  });

  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const response = await app.inject({ method: 'DELETE', url: '/v1/nothing?x=1', headers: { 'x-request-id': id } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['x-request-id']).toBe(id);
    expect(response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route DELETE /v1/nothing', request_id: id } });
  });
});

/** Requests Node cannot parse never reach Fastify's handler; they get the same body over a real socket. */
describe('api answers to unparseable requests', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    redis = await createTestRedis();
    app = await buildApp({ db: database.db, redis: redis.redis, logger, queues: [] });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await redis.cleanup();
    await database.drop();
  });

  it('answers bytes that are not HTTP with 400 REQUEST_INVALID', async () => {
    const { head, body } = parse(await exchange(port, 'HELLO THERE\r\n\r\n'));
    expect(head[0]).toBe('HTTP/1.1 400 Bad Request');
    const requestId = header(head, 'x-request-id');
    expect(requestId).toMatch(uuid);
    expect(header(head, 'content-type')).toBe('application/json; charset=utf-8');
    expect(JSON.parse(body)).toEqual({ error: { code: 'REQUEST_INVALID', message: 'Request is invalid: it is not valid HTTP', request_id: requestId } });
  });

  it('answers headers over the server limit with 431 REQUEST_HEADERS_TOO_LARGE', async () => {
    const { head, body } = parse(await exchange(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(head[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(body)).toEqual({
      error: { code: 'REQUEST_HEADERS_TOO_LARGE', message: 'Request headers are larger than the server accepts', request_id: header(head, 'x-request-id') },
    });
  });
});

function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('close', () => resolve(received));
    // The server closes right after answering; a reset while the request is still being written is expected.
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
    socket.write(request);
  });
}

function parse(response: string): { head: string[]; body: string } {
  const split = response.indexOf('\r\n\r\n');
  return { head: response.slice(0, split).split('\r\n'), body: response.slice(split + 4) };
}

function header(head: string[], name: string): string | undefined {
  const line = head.find((entry) => entry.toLowerCase().startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}
