import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { demoWorkflow, seedBuiltInTemplates } from '@fenta/db';
import { requeueLostJobs } from '@fenta/jobs';
import { findFreePort, startRedisServer, type RunningRedis } from '@fenta/local-services';
import { connectRedis, createRedisConnection, createRenderQueue, type RenderQueue } from '@fenta/queue';
import { silentLogger, startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

// POST /v1/jobs never waits on Redis and never loses a job: with Redis
// frozen (the process stopped, its socket still open) the add is given up
// after the enqueue timeout; with Redis gone, the API's fail-fast connection
// refuses the add at once. Either way the answer is 202 with the job in
// PostgreSQL, and the job reaches the queue: the late add lands when Redis
// wakes, and the reconciler adds what a Redis that lost its data no longer has.

type Json = Record<string, any>;

const enqueueTimeoutMs = 3_000;

describe('POST /v1/jobs while Redis is away', () => {
  let dir: string;
  let port: number;
  let server: RunningRedis | undefined;
  let connection: Redis;
  let queue: RenderQueue;
  let bed: ApiTestbed;
  let owner: TestCaller;
  const prefix = 'fenta-test-redis-away';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-api-redis-away-'));
    port = await findFreePort();
    server = await startRedisServer({ dataDir: dir, port, appendOnly: false });
    // The API's connection, as main.ts makes it.
    connection = createRedisConnection(server.url, { connectionName: 'fenta-api-test', failFast: true });
    connection.on('error', () => undefined);
    await connectRedis(connection, server.url);
    queue = createRenderQueue({ connection, prefix });
    queue.on('error', () => undefined);
    bed = await startApiTestbed({ redis: connection, renderQueue: queue, enqueueTimeoutMs });
    await seedBuiltInTemplates(bed.database.db);
    owner = await bed.newOrg('alpha');
  });
  afterAll(async () => {
    await bed.close();
    await queue.close();
    connection.disconnect();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const create = async () => {
    const started = performance.now();
    const response = await bed.app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: owner.headers,
      payload: { graph: demoWorkflow.graph as unknown as Json },
    });
    expect(response.statusCode).toBe(202);
    const { job } = response.json() as { job: Json };
    expect(job.status).toBe('queued');
    return { id: job.id as string, elapsedMs: performance.now() - started };
  };

  it('answers 202 with the job kept, and every job reaches the queue once Redis is back', async () => {
    const healthy = await create();
    expect(await queue.getJobState(healthy.id)).toBe('waiting');

    // Frozen: the add waits for an answer that does not come, and is given up at the timeout.
    const pid = server!.pid!;
    process.kill(pid, 'SIGSTOP');
    let frozen: { id: string; elapsedMs: number };
    try {
      frozen = await create();
    } catch (error) {
      process.kill(pid, 'SIGCONT');
      throw error;
    }
    expect(frozen.elapsedMs).toBeGreaterThanOrEqual(enqueueTimeoutMs - 50);
    expect(frozen.elapsedMs).toBeLessThan(enqueueTimeoutMs + 2_000);
    // The add went out before the answer; it lands when Redis wakes up, once.
    const landed = once(queue, 'waiting');
    process.kill(pid, 'SIGCONT');
    expect((await landed)[0]).toMatchObject({ id: frozen.id });
    expect(await queue.getJobState(frozen.id)).toBe('waiting');

    // Gone: the fail-fast connection refuses the add at once, well within the timeout.
    const lost = once(connection, 'reconnecting');
    await server!.stop();
    server = undefined;
    await lost;
    const gone = await create();
    expect(gone.elapsedMs).toBeLessThan(enqueueTimeoutMs / 2);
    expect(await bed.database.query(`SELECT id, status FROM jobs ORDER BY id`)).toEqual([
      { id: healthy.id, status: 'queued' },
      { id: frozen.id, status: 'queued' },
      { id: gone.id, status: 'queued' },
    ]);
    // Reading needs no Redis.
    expect((await bed.app.inject({ method: 'GET', url: `/v1/jobs/${gone.id}`, headers: owner.headers })).statusCode).toBe(200);

    // Redis comes back empty (no persistence), as one that lost its data; a worker's reconciler puts every job back.
    server = await startRedisServer({ dataDir: dir, port, appendOnly: false });
    const workerConnection = createRedisConnection(server.url, { connectionName: 'fenta-worker-test' });
    await connectRedis(workerConnection, server.url);
    const workerQueue = createRenderQueue({ connection: workerConnection, prefix });
    try {
      expect(await workerQueue.getJobState(gone.id)).toBe('unknown');
      const requeued = await requeueLostJobs({ db: bed.database.db, queue: workerQueue, logger: silentLogger, graceSeconds: 0 });
      expect(requeued).toEqual([healthy.id, frozen.id, gone.id]);
      expect(await Promise.all(requeued.map((id) => workerQueue.getJobState(id)))).toEqual(['waiting', 'waiting', 'waiting']);
      expect((await workerQueue.getJob(gone.id))?.data).toEqual({ jobId: gone.id });
    } finally {
      await workerQueue.close();
      await workerConnection.quit();
    }
  });
});
