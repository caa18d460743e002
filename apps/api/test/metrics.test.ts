import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createDatabase } from '@fenta/db';
import { createRedisConnection, createRenderQueue, enqueueRender, type RenderQueue } from '@fenta/queue';
import { createTestRedis, type TestRedis } from '@fenta/testing';
import { buildApp } from '../src/build-app';
import { silentLogger, startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

/** The value of one sample line (`name{labels} value`) of a scrape, or undefined when the series is not there. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A TCP server on loopback that accepts connections and never answers: PostgreSQL or Redis hung mid-outage. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('/metrics', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let queue: RenderQueue;
  let queueRedis: TestRedis;

  beforeAll(async () => {
    queueRedis = await createTestRedis();
    queue = createRenderQueue({ connection: queueRedis.redis, prefix: queueRedis.prefix });
    // Counts are read afresh on every scrape here; the cache has its own test below.
    bed = await startApiTestbed({ queues: [queue], metrics: { cacheMs: 0 } });
    owner = await bed.newOrg('metrics');
  });
  afterAll(async () => {
    await bed.close();
    await queue.close();
    await queueRedis.cleanup();
  });

  const scrape = async (app: FastifyInstance = bed.app, headers: Record<string, string> = {}) => {
    const response = await app.inject({ method: 'GET', url: '/metrics', headers });
    expect(response.statusCode).toBe(200);
    return response;
  };

  it('serves the Prometheus text format without an API key, with the process metrics', async () => {
    const response = await scrape();
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.body).toContain('# TYPE fenta_http_request_duration_seconds histogram');
    expect(response.body).toContain('# TYPE process_cpu_user_seconds_total counter');
  });

  it('times requests by route pattern and status, never by raw URL', async () => {
    const secretId = 'sched_0000looks-like-an-id';
    expect((await bed.app.inject({ method: 'GET', url: `/v1/schedules/${secretId}`, headers: owner.headers })).statusCode).toBe(404);
    expect((await bed.app.inject({ method: 'GET', url: `/v1/schedules/${secretId}`, headers: owner.headers })).statusCode).toBe(404);
    expect((await bed.app.inject({ method: 'GET', url: '/v1/schedules', headers: owner.headers })).statusCode).toBe(200);
    expect((await bed.app.inject({ method: 'GET', url: '/v1/schedules?limit=5&cursor=zzz', headers: owner.headers })).statusCode).toBe(400);
    expect((await bed.app.inject({ method: 'GET', url: '/nothing/here/12345' })).statusCode).toBe(404);
    const { body } = await scrape();
    expect(sample(body, 'fenta_http_request_duration_seconds_count{method="GET",route="/v1/schedules/:id",status_code="404"}')).toBe(2);
    expect(sample(body, 'fenta_http_request_duration_seconds_count{method="GET",route="/v1/schedules",status_code="200"}')).toBe(1);
    expect(sample(body, 'fenta_http_request_duration_seconds_count{method="GET",route="/v1/schedules",status_code="400"}')).toBe(1);
    expect(sample(body, 'fenta_http_request_duration_seconds_count{method="GET",route="(unmatched)",status_code="404"}')).toBe(1);
    expect(sample(body, 'fenta_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/v1/schedules/:id",status_code="404"}')).toBe(2);
    for (const raw of [secretId, '12345', 'cursor', 'nothing']) expect(body).not.toContain(raw);
  });

  it('reports the render queue per state and the jobs table per status', async () => {
    await bed.database.query(`INSERT INTO jobs (org_id, config, status) VALUES ($1, '{}', 'queued'), ($1, '{}', 'queued'), ($1, '{}', 'failed')`, [
      owner.orgId,
    ]);
    await enqueueRender(queue, 'job_metrics_a');
    await enqueueRender(queue, 'job_metrics_b');
    const { body } = await scrape();
    expect(sample(body, 'fenta_queue_jobs{queue="fenta-renders",state="waiting"}')).toBe(2);
    expect(sample(body, 'fenta_queue_jobs{queue="fenta-renders",state="active"}')).toBe(0);
    expect(sample(body, 'fenta_queue_jobs{queue="fenta-renders",state="failed"}')).toBe(0);
    expect(sample(body, 'fenta_jobs{status="queued"}')).toBe(2);
    expect(sample(body, 'fenta_jobs{status="failed"}')).toBe(1);
    expect(sample(body, 'fenta_jobs{status="completed"}')).toBeUndefined();
    expect(sample(body, 'fenta_metrics_source_up{source="postgres"}')).toBe(1);
    expect(sample(body, 'fenta_metrics_source_up{source="redis"}')).toBe(1);
  });

  it('reuses its counts between scrapes for the cache time', async () => {
    const cached = await buildApp({ db: bed.database.db, redis: bed.redis.redis, logger: silentLogger, queues: [queue], metrics: { cacheMs: 60_000 } });
    try {
      await bed.database.query(`INSERT INTO jobs (org_id, config) VALUES ($1, '{}')`, [owner.orgId]);
      const before = sample((await scrape(cached)).body, 'fenta_jobs{status="queued"}')!;
      expect(before).toBeGreaterThan(0);
      await bed.database.query(`INSERT INTO jobs (org_id, config) VALUES ($1, '{}')`, [owner.orgId]);
      expect(sample((await scrape(cached)).body, 'fenta_jobs{status="queued"}')).toBe(before);
      expect(sample((await scrape()).body, 'fenta_jobs{status="queued"}')).toBe(before + 1);
    } finally {
      await cached.close();
    }
  });

  it('asks for FENTA_METRICS_TOKEN as a bearer token when it is set', async () => {
    const guarded = await buildApp({ db: bed.database.db, redis: bed.redis.redis, logger: silentLogger, queues: [], metricsToken: 'scrape-token-0123456789' });
    try {
      for (const authorization of [undefined, 'Bearer wrong-token', 'Basic c2NyYXBlOnRva2Vu', 'Bearer scrape-token-0123456789x']) {
        const response = await guarded.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
        expect(response.statusCode).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="fenta-metrics"');
        expect(response.json()).toEqual({
          error: {
            code: 'METRICS_UNAUTHORIZED',
            message: '/metrics needs the metrics token: send it as Authorization: Bearer <FENTA_METRICS_TOKEN>',
            request_id: response.headers['x-request-id'],
          },
        });
      }
      expect((await scrape(guarded, { authorization: 'Bearer scrape-token-0123456789' })).body).toContain('fenta_http_request_duration_seconds');
    } finally {
      await guarded.close();
    }
  });

  it('answers at once with what it has when PostgreSQL and Redis hang', async () => {
    const postgres = await silentServer();
    const redisServer = await silentServer();
    const db = createDatabase({ url: `postgres://fenta@127.0.0.1:${postgres.port}/fenta` });
    const redis = createRedisConnection(`redis://127.0.0.1:${redisServer.port}`);
    redis.on('error', () => undefined);
    const hungQueue = createRenderQueue({ connection: redis });
    hungQueue.on('error', () => undefined);
    const app = await buildApp({ db, redis, logger: silentLogger, queues: [hungQueue], metrics: { sourceTimeoutMs: 200, cacheMs: 0 } });
    try {
      for (let scrapeNumber = 0; scrapeNumber < 3; scrapeNumber++) {
        const started = Date.now();
        const { body } = await scrape(app);
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(sample(body, 'fenta_metrics_source_up{source="postgres"}')).toBe(0);
        expect(sample(body, 'fenta_metrics_source_up{source="redis"}')).toBe(0);
        expect(body).not.toMatch(/^fenta_jobs\{/m);
        expect(body).not.toMatch(/^fenta_queue_jobs\{/m);
        expect(body).toContain('fenta_http_request_duration_seconds');
      }
    } finally {
      // Each step waits for what it ends: the Redis client's last event, then the servers, then the pool's clients.
      await app.close();
      const ended = once(redis, 'end');
      redis.disconnect();
      await ended;
      await hungQueue.close();
      await postgres.close();
      await redisServer.close();
      await db.destroy();
    }
  });
});
