import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@fenta/core';
import { demoWorkflow, seedBuiltInTemplates } from '@fenta/db';
import { builtInNodeDefinitionRegistry } from '@fenta/graph';
import { findFreePort, startRedisServer, type RunningRedis } from '@fenta/local-services';
import { connectRedis, createRedisConnection, createRenderQueue, type RenderQueue } from '@fenta/queue';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';
import { createJob, type CreateJobDeps } from '../src/create-job';
import { requeueLostJobs } from '../src/requeue-lost-jobs';

// createJob never waits on Redis and never loses the job it wrote: with
// Redis frozen (stopped, its socket open) the add is given up at the enqueue
// timeout, with Redis gone a fail-fast connection refuses it at once; the job
// is in PostgreSQL either way and reaches the queue once Redis is back.

const enqueueTimeoutMs = 1_000;
const logger = createLogger({ service: 'test', level: 'silent' });

describe('createJob while Redis is away', () => {
  let database: TestDatabase;
  let dir: string;
  let port: number;
  let server: RunningRedis | undefined;
  let connection: ReturnType<typeof createRedisConnection>;
  let queue: RenderQueue;
  let deps: CreateJobDeps;
  const prefix = 'fenta-test-create-away';

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await seedBuiltInTemplates(database.db);
    await database.query(`INSERT INTO users (id, email, password_hash, name) VALUES ('user_x', 'x@example.com', '!', 'X')`);
    await database.query(`INSERT INTO orgs (id, name, slug, owner_id) VALUES ('org_x', 'X', 'x', 'user_x')`);
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-jobs-redis-'));
    port = await findFreePort();
    server = await startRedisServer({ dataDir: dir, port, appendOnly: false });
    connection = createRedisConnection(server.url, { connectionName: 'fenta-jobs-test', failFast: true });
    connection.on('error', () => undefined);
    await connectRedis(connection, server.url);
    queue = createRenderQueue({ connection, prefix });
    queue.on('error', () => undefined);
    deps = { db: database.db, queue, registry: builtInNodeDefinitionRegistry, logger, enqueueTimeoutMs };
  });
  afterAll(async () => {
    if (server?.pid) process.kill(server.pid, 'SIGCONT');
    await queue.close();
    connection.disconnect();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
    await database.drop();
  });

  const create = async () => {
    const started = performance.now();
    const { job, created } = await createJob(deps, { orgId: 'org_x', createdBy: 'user_x', graph: demoWorkflow.graph });
    expect({ created, status: job.status }).toEqual({ created: true, status: 'queued' });
    return { id: job.id, elapsedMs: performance.now() - started };
  };

  it('returns within the enqueue timeout with the job written, and the job reaches the queue once Redis is back', async () => {
    const healthy = await create();
    expect(await queue.getJobState(healthy.id)).toBe('waiting');

    const pid = server!.pid!;
    process.kill(pid, 'SIGSTOP');
    let frozen: { id: string; elapsedMs: number };
    try {
      frozen = await create();
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(frozen.elapsedMs).toBeGreaterThanOrEqual(enqueueTimeoutMs - 50);
    expect(frozen.elapsedMs).toBeLessThan(enqueueTimeoutMs + 2_000);
    // The add was written to the socket before Redis froze; Redis runs it on waking, before anything sent after it.
    expect(await queue.getJobState(frozen.id)).toBe('waiting');

    const lost = new Promise((resolve) => connection.once('reconnecting', resolve));
    await server!.stop();
    server = undefined;
    await lost;
    const gone = await create();
    expect(gone.elapsedMs).toBeLessThan(enqueueTimeoutMs);
    expect(await database.query(`SELECT id, status FROM jobs ORDER BY id`)).toEqual([healthy.id, frozen.id, gone.id].map((id) => ({ id, status: 'queued' })));

    // Redis comes back without its data; the worker's reconciler puts every job back, once.
    server = await startRedisServer({ dataDir: dir, port, appendOnly: false });
    const workerConnection = createRedisConnection(server.url, { connectionName: 'fenta-worker-test' });
    await connectRedis(workerConnection, server.url);
    const workerQueue = createRenderQueue({ connection: workerConnection, prefix });
    try {
      expect(await requeueLostJobs({ db: database.db, queue: workerQueue, logger, graceSeconds: 0 })).toEqual([healthy.id, frozen.id, gone.id]);
      expect(await Promise.all([healthy.id, frozen.id, gone.id].map((id) => workerQueue.getJobState(id)))).toEqual(['waiting', 'waiting', 'waiting']);
      expect(await requeueLostJobs({ db: database.db, queue: workerQueue, logger, graceSeconds: 0 })).toEqual([]);
    } finally {
      await workerQueue.close();
      await workerConnection.quit();
    }
  });
});
