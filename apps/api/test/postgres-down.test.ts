import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { issueApiKey, scopesOfRole } from '@fenta/core';
import { createDatabase, createOrgWithOwner, demoWorkflow, insertApiKey, migrateOrThrow, seedBuiltInTemplates, type DB } from '@fenta/db';
import { findFreePort, startEmbeddedPostgres, type RunningPostgres } from '@fenta/local-services';
import { createRenderQueue, type RenderQueue } from '@fenta/queue';
import { createTestRedis, type TestRedis } from '@fenta/testing';
import { buildApp } from '../src/build-app';
import { silentLogger } from './api-fixture';

type Json = Record<string, any>;

// The API on a PostgreSQL of this file's own, stopped mid-test: every request
// that needs the database answers 503 DB_UNREACHABLE (never a 500, never a
// hang), nothing reaches the queue without its row, and the same app serves
// again once the server is back.
describe('the API while PostgreSQL is stopped', () => {
  let dir: string;
  let port: number;
  let postgres: RunningPostgres;
  let db: Kysely<DB>;
  let redis: TestRedis;
  let queue: RenderQueue;
  let app: FastifyInstance;
  let headers: { authorization: string };

  const start = () => startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port, database: 'fenta', settings: { fsync: 'off' } });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-api-postgres-down-'));
    // As root the server runs as the postgres user, which must enter this folder.
    await chmod(dir, 0o755);
    port = await findFreePort();
    postgres = await start();
    db = createDatabase({ url: postgres.url, poolSize: 4, applicationName: 'fenta-api-test' });
    await migrateOrThrow(db);
    await seedBuiltInTemplates(db);
    const org = await createOrgWithOwner(db, { name: 'alpha', ownerEmail: 'owner@example.com' });
    const issued = issueApiKey();
    await insertApiKey(db, { orgId: org.orgId, userId: org.userId, name: 'test key', scopes: scopesOfRole.owner, issued });
    headers = { authorization: `Bearer ${issued.key}` };
    redis = await createTestRedis();
    queue = createRenderQueue({ connection: redis.redis, prefix: redis.prefix });
    app = await buildApp({ db, redis: redis.redis, logger: silentLogger, queues: [], renderQueue: queue });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await queue?.close();
    await redis?.cleanup();
    await db?.destroy();
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const create = () => app.inject({ method: 'POST', url: '/v1/jobs', headers, payload: { graph: demoWorkflow.graph as unknown as Json } });
  const queued = async () => (await queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active')) as Record<string, number>;

  it('answers 503 DB_UNREACHABLE on every route that needs it, queues nothing, and serves again once PostgreSQL is back', async () => {
    const before = await create();
    expect(before.statusCode).toBe(202);
    const jobId = (before.json() as Json).job.id as string;
    const counts = await queued();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);

    await postgres.stop();
    const requests = [
      { method: 'POST' as const, url: '/v1/jobs', payload: { graph: demoWorkflow.graph as unknown as Json } },
      { method: 'GET' as const, url: `/v1/jobs/${jobId}` },
      { method: 'GET' as const, url: '/v1/jobs' },
      { method: 'GET' as const, url: '/v1/workflows' },
      { method: 'GET' as const, url: '/v1/renders' },
      { method: 'POST' as const, url: `/v1/jobs/${jobId}/cancel` },
    ];
    for (const [index, request] of requests.entries()) {
      const response = await app.inject({ ...request, headers: { ...headers, 'x-request-id': `down-${index}` } });
      expect([request.method, request.url, response.statusCode, response.json()]).toEqual([
        request.method,
        request.url,
        503,
        { error: { code: 'DB_UNREACHABLE', message: 'The database did not accept a connection.', request_id: `down-${index}` } },
      ]);
    }
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    expect((health.json() as Json).checks).toMatchObject({ redis: 'ok' });
    expect((health.json() as Json).checks.postgres).not.toBe('ok');
    // Nothing was added to the queue without its row.
    expect(await queued()).toEqual(counts);

    postgres = await start();
    const read = await app.inject({ method: 'GET', url: `/v1/jobs/${jobId}`, headers });
    expect([read.statusCode, (read.json() as Json).job.status]).toEqual([200, 'queued']);
    const after = await create();
    expect(after.statusCode).toBe(202);
    const rows = await db.selectFrom('jobs').select('id').orderBy('created_at').execute();
    expect(rows.map((row) => row.id)).toEqual([jobId, (after.json() as Json).job.id]);
  }, 120_000);
});
