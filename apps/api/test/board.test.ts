import type { FastifyInstance, InjectOptions } from 'fastify';
import { appRoutes } from '@bull-board/api/dist/routes.js';
import { createLogger } from '@fenta/core';
import { findFreePort } from '@fenta/local-services';
import { createRedisConnection, createRenderQueue, renderQueueName, type RenderQueue } from '@fenta/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fenta/testing';
import { buildApp, type AppDependencies } from '../src/build-app';
import { clientOf, defaultLoginThrottle } from '../src/board/login-throttle';
import { settleRenderJob } from './render-queue-jobs';

const logger = createLogger({ service: 'api-test', level: 'silent' });
const operatorPassword = 'correct horse battery';
const viewerPassword = 'staple lemon cloud';
const board = '/admin/queues';

describe('Bull Board', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let queue: RenderQueue;
  let app: FastifyInstance;
  let deps: AppDependencies;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    redis = await createTestRedis();
    queue = createRenderQueue({ connection: redis.redis, prefix: redis.prefix });
    deps = {
      db: database.db,
      redis: redis.redis,
      logger,
      queues: [queue],
      // Counters under the test's own prefix: other test files log in from 127.0.0.1 too, and cleanup removes them.
      board: { operator: operatorPassword, viewer: viewerPassword, throttle: { keyPrefix: `${redis.prefix}:board-login-failures:` } },
    };
    app = await buildApp(deps);
  });
  afterAll(async () => {
    await app.close();
    await queue.close();
    await redis.cleanup();
    await database.drop();
  });

  describe('when no login has a password', () => {
    it.each([
      ['no board settings', undefined],
      ['no password', {}],
    ])('is not served at all (%s): 404 like any unknown route', async (_case, settings) => {
      const off = await buildApp({ ...deps, board: settings });
      try {
        for (const url of [board, `${board}/api/queues`]) {
          const response = await off.inject({ method: 'GET', url, headers: { authorization: basic('operator', operatorPassword) } });
          expect(response.statusCode).toBe(404);
          expect(response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
        }
      } finally {
        await off.close();
      }
    });
  });

  describe('logging in', () => {
    it('answers 401 with a basic-auth challenge and a coded body without credentials', async () => {
      const response = await app.inject({ method: 'GET', url: board });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Basic realm="Fenta queues", charset="UTF-8"');
      expect(response.json()).toEqual({
        error: {
          code: 'BOARD_UNAUTHORIZED',
          message: 'Bull Board needs a login (HTTP basic auth as "operator" or "viewer")',
          request_id: response.headers['x-request-id'],
        },
      });
    });

    it("answers 401 to a wrong password, the other role's password, an unknown user and a header that is not basic auth", async () => {
      for (const authorization of [
        basic('operator', 'not the password'),
        basic('operator', viewerPassword),
        basic('viewer', operatorPassword),
        basic('admin', operatorPassword),
        basic('operator', `${operatorPassword} `),
        `Bearer ${operatorPassword}`,
        'Basic %%%',
      ]) {
        const response = await app.inject({ method: 'GET', url: `${board}/api/queues`, headers: { authorization }, remoteAddress: '192.0.2.1' });
        expect({ authorization, status: response.statusCode, code: response.json().error?.code }).toEqual({
          authorization,
          status: 401,
          code: 'BOARD_UNAUTHORIZED',
        });
      }
    });

    it('names only the logins that have a password in the 401', async () => {
      const operatorOnly = await buildApp({ ...deps, board: { operator: operatorPassword } });
      try {
        const response = await operatorOnly.inject({ method: 'GET', url: board });
        expect(response.json().error.message).toBe('Bull Board needs a login (HTTP basic auth as "operator")');
        const viewer = await operatorOnly.inject({ method: 'GET', url: `${board}/api/queues`, headers: { authorization: basic('viewer', viewerPassword) } });
        expect(viewer.statusCode).toBe(401);
      } finally {
        await operatorOnly.close();
      }
    });

    it('serves the page, its assets and the API to both logins', async () => {
      for (const [user, password] of [
        ['operator', operatorPassword],
        ['viewer', viewerPassword],
      ] as const) {
        const page = await app.inject({ method: 'GET', url: board, headers: { authorization: basic(user, password) } });
        expect(page.statusCode).toBe(200);
        expect(page.headers['content-type']).toMatch(/^text\/html/);
        expect(page.body).toContain(`<base href="${board}/" />`);
        // The page's scripts are relative to that base.
        const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(page.body)?.[1];
        expect(script).toBeDefined();
        const asset = `${board}/${script}`;
        const served = await app.inject({ method: 'GET', url: asset, headers: { authorization: basic(user, password) } });
        expect(served.statusCode).toBe(200);
        expect(served.headers['content-type']).toMatch(/javascript/);
        expect((await app.inject({ method: 'GET', url: asset })).statusCode).toBe(401);
      }
    });

    it('answers 503 with a coded body, at once, when Redis is lost', async () => {
      const deadRedis = createRedisConnection(`redis://127.0.0.1:${await findFreePort()}`);
      deadRedis.on('error', () => undefined);
      // Not events.once: the refused connection's 'error' would reject it.
      const reconnecting = new Promise((resolve) => deadRedis.once('reconnecting', resolve));
      deadRedis.connect().catch(() => undefined);
      await reconnecting;
      const cut = await buildApp({ ...deps, redis: deadRedis, queues: [] });
      try {
        const response = await cut.inject({ method: 'GET', url: `${board}/api/queues`, headers: { authorization: basic('operator', operatorPassword) } });
        expect(response.statusCode).toBe(503);
        expect(response.json()).toEqual({
          error: { code: 'REDIS_UNREACHABLE', message: 'Redis did not answer.', request_id: response.headers['x-request-id'] },
        });
      } finally {
        await cut.close();
        deadRedis.disconnect();
      }
    });
  });

  describe('the operator', () => {
    it('sees every queue, writable, and retries a failed job through the board', async () => {
      const job = await settleRenderJob(queue, redis, 'failed');
      const as = { authorization: basic('operator', operatorPassword) };

      const queues = await app.inject({ method: 'GET', url: `${board}/api/queues?activeQueue=${renderQueueName}&status=failed`, headers: as });
      expect(queues.statusCode).toBe(200);
      const [renders] = queues.json().queues;
      expect(queues.json().queues).toHaveLength(1);
      expect(renders).toMatchObject({ name: renderQueueName, readOnlyMode: false, allowRetries: true });
      expect(renders.jobs.map((listed: { id: string }) => listed.id)).toContain(job.id);

      const retry = await app.inject({ method: 'PUT', url: `${board}/api/queues/${renderQueueName}/${job.id}/retry`, headers: as });
      expect(retry.statusCode).toBe(204);
      expect(await queue.getJobState(job.id!)).toBe('waiting');
      await job.remove();
    });
  });

  describe('the viewer', () => {
    const as = () => ({ authorization: basic('viewer', viewerPassword) });

    it('reads the queues, the job, its logs and the queue settings, and its board shows the queues read-only', async () => {
      const job = await settleRenderJob(queue, redis, 'failed');
      const queues = await app.inject({ method: 'GET', url: `${board}/api/queues?activeQueue=${renderQueueName}&status=failed`, headers: as() });
      expect(queues.statusCode).toBe(200);
      const [renders] = queues.json().queues;
      expect(renders).toMatchObject({ name: renderQueueName, readOnlyMode: true, allowRetries: false, allowCompletedRetries: false });
      expect(renders.counts.failed).toBeGreaterThanOrEqual(1);
      expect(renders.jobs.map((listed: { id: string }) => listed.id)).toContain(job.id);

      for (const url of [
        `${board}/api/queues/${renderQueueName}/${job.id}`,
        `${board}/api/queues/${renderQueueName}/${job.id}/logs`,
        `${board}/api/queues/${renderQueueName}/default-job-options`,
        `${board}/api/redis/stats`,
      ]) {
        const response = await app.inject({ method: 'GET', url, headers: as() });
        expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
      }
      const detail = await app.inject({ method: 'GET', url: `${board}/api/queues/${renderQueueName}/${job.id}`, headers: as() });
      expect(detail.json()).toMatchObject({ job: { id: job.id, failedReason: 'render broke' }, status: 'failed' });
      await job.remove();
    });

    it("is refused with 403 on every one of Bull Board's write routes, and nothing changes in BullMQ", async () => {
      const job = await settleRenderJob(queue, redis, 'failed');
      const before = await queue.getJobCounts();
      // Every write route the installed Bull Board has, read from its own route table, so a new one is covered too.
      const writes = appRoutes.api.flatMap((route) =>
        [route.method]
          .flat()
          .filter((method) => method !== 'get')
          .flatMap((method) => [route.route].flat().map((path) => ({ method: method.toUpperCase() as InjectOptions['method'], path }))),
      );
      expect(writes.length).toBeGreaterThan(20);
      expect(writes.map((write) => write.path)).toEqual(
        expect.arrayContaining([
          '/api/queues/:queueName/:jobId/retry',
          '/api/queues/:queueName/clean/:queueStatus',
          '/api/queues/pause',
          '/api/queues/:queueName/add',
        ]),
      );

      for (const { method, path } of writes) {
        const url = `${board}${path.replace(':queueName', renderQueueName).replace(':jobId', job.id!).replace(':queueStatus', 'failed').replace(':schedulerId', 'nightly')}`;
        const response = await app.inject({ method, url, headers: as(), payload: { data: { jobId: 'tampered' }, name: 'run' } });
        expect({ method, url, status: response.statusCode, body: response.json() }).toEqual({
          method,
          url,
          status: 403,
          body: {
            error: {
              code: 'BOARD_FORBIDDEN',
              message: `The viewer login may only look at Bull Board; ${method} ${url} would change the queues`,
              request_id: response.headers['x-request-id'],
            },
          },
        });
      }

      expect(await queue.getJobState(job.id!)).toBe('failed');
      expect((await queue.getJob(job.id!))?.data).toEqual(job.data);
      expect(await queue.isPaused()).toBe(false);
      expect(await queue.getJobCounts()).toEqual(before);
      await job.remove();
    });
  });

  describe('failed logins', () => {
    const windowMs = 60_000;
    const maxFailures = 3;

    it('are throttled per client address across API instances on one Redis: 429 with Retry-After, even with the right password, until the window passes', async () => {
      const throttle = { maxFailures, windowMs, keyPrefix: `${redis.prefix}:throttle-test:` };
      const first = await buildApp({ ...deps, board: { operator: operatorPassword, viewer: viewerPassword, throttle } });
      const second = await buildApp({ ...deps, board: { operator: operatorPassword, viewer: viewerPassword, throttle } });
      const client = { remoteAddress: '203.0.113.9' };
      const attempt = (target: FastifyInstance, user: string, password: string, address = client.remoteAddress) =>
        target.inject({ method: 'GET', url: `${board}/api/queues`, headers: { authorization: basic(user, password) }, remoteAddress: address });
      try {
        // The failures add up whichever instance they reach; a request without credentials is no attempt, only challenged.
        let firstExpiry: number | undefined;
        for (const target of [first, second]) {
          expect((await attempt(target, 'operator', 'wrong password!')).statusCode).toBe(401);
          expect((await target.inject({ method: 'GET', url: board, ...client })).statusCode).toBe(401);
          if (firstExpiry === undefined) {
            const [counter] = await redis.redis.keys(`${throttle.keyPrefix}*`);
            // The expiry as Redis holds it (absolute, in ms): no clock of this process in the comparison.
            firstExpiry = Number(await redis.redis.call('PEXPIRETIME', counter!));
          }
        }
        expect((await attempt(first, 'viewer', 'wrong password!')).statusCode).toBe(401);

        const refused = await attempt(second, 'operator', 'wrong password!');
        expect(refused.statusCode).toBe(429);
        const retryAfter = Number(refused.headers['retry-after']);
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(Math.ceil(windowMs / 1000));
        expect(refused.json()).toEqual({
          error: {
            code: 'BOARD_LOGIN_THROTTLED',
            message: `Too many failed Bull Board logins from this address; try again in ${retryAfter} s`,
            details: { retry_after_seconds: retryAfter },
            request_id: refused.headers['x-request-id'],
          },
        });
        for (const target of [first, second]) {
          const right = await attempt(target, 'operator', operatorPassword);
          expect(right.statusCode).toBe(429);
          expect(right.headers['retry-after']).toBeDefined();
          expect((await attempt(target, 'viewer', viewerPassword)).statusCode).toBe(429);
          expect((await target.inject({ method: 'GET', url: board, ...client })).statusCode).toBe(429);
        }
        // Another address is not held back by this one's failures.
        expect((await attempt(second, 'operator', operatorPassword, '203.0.113.10')).statusCode).toBe(200);

        // Redis holds one counter, named by a hash: no address in a key.
        const keys = await redis.redis.keys(`${throttle.keyPrefix}*`);
        expect(keys).toHaveLength(1);
        expect(keys[0]).toMatch(new RegExp(`^${escape(throttle.keyPrefix)}[0-9a-f]{64}$`));

        // Trying on during the window does not stretch it: the counter's expiry is the one the first failure set.
        expect(firstExpiry).toBeGreaterThan(0);
        expect(Number(await redis.redis.call('PEXPIRETIME', keys[0]!))).toBe(firstExpiry);
        // When the window passes (its counter expires), both logins work again.
        await redis.redis.del(keys[0]!);
        expect((await attempt(second, 'operator', operatorPassword)).statusCode).toBe(200);
        expect((await attempt(first, 'viewer', viewerPassword)).statusCode).toBe(200);
      } finally {
        await first.close();
        await second.close();
      }
    });

    it('count the address the API sees, not one the client names in X-Forwarded-For (no proxy is trusted by default)', async () => {
      const strict = await buildApp({
        ...deps,
        board: { operator: operatorPassword, throttle: { maxFailures: 1, windowMs, keyPrefix: `${redis.prefix}:xff-test:` } },
      });
      try {
        const attempt = (forwardedFor: string) =>
          strict.inject({
            method: 'GET',
            url: `${board}/api/queues`,
            headers: { authorization: basic('operator', 'wrong password!'), 'x-forwarded-for': forwardedFor },
            remoteAddress: '203.0.113.30',
          });
        expect((await attempt('198.51.100.1')).statusCode).toBe(401);
        expect((await attempt('198.51.100.2')).statusCode).toBe(429);
      } finally {
        await strict.close();
      }
    });

    it('counts the addresses of one IPv6 /64 as one client, and an IPv4-mapped address as its IPv4 address', () => {
      expect(clientOf('2001:db8:1:2:aaaa::1')).toBe(clientOf('2001:0db8:0001:0002:ffff:1:2:3'));
      expect(clientOf('2001:db8:1:2::1')).not.toBe(clientOf('2001:db8:1:3::1'));
      expect(clientOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
      expect(clientOf('::ffff:198.51.100.7')).toBe('198.51.100.7');
      expect(clientOf('198.51.100.7')).toBe('198.51.100.7');
    });

    it('keeps its counters under the fenta: prefix by default', () => {
      expect(defaultLoginThrottle.keyPrefix).toBe('fenta:board:login-failures:');
    });
  });
});

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
