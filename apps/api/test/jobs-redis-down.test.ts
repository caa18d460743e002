import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { demoWorkflow, seedBuiltInTemplates } from '@fenta/db';
import { findFreePort, startRedisServer, type RunningRedis } from '@fenta/local-services';
import { connectRedis, createRedisConnection, createRenderQueue, failFastCommandTimeoutMs, type RenderQueue } from '@fenta/queue';
import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

// POST /v1/jobs with Redis away answers quickly and never loses a job: /v1
// counts every request in Redis (the rate limit) before the handler runs, so
// with Redis gone the answer is 503 REDIS_UNREACHABLE at once, and with
// Redis frozen (stopped, its socket open) the same once the fail-fast
// connection's command timeout passes; no job is written either way, and the
// next request after Redis is back is a 202. (A Redis lost after that check,
// during the add, keeps the job: createJob's own test, create-job-redis-away.)

type Json = Record<string, any>;

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
    bed = await startApiTestbed({ redis: connection, renderQueue: queue });
    await seedBuiltInTemplates(bed.database.db);
    owner = await bed.newOrg('alpha');
  });
  afterAll(async () => {
    if (server?.pid) process.kill(server.pid, 'SIGCONT');
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
    return { response, elapsedMs: performance.now() - started };
  };
  const jobCount = async () => (await bed.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs`))[0]!.n;
  const expectRefused = (response: Awaited<ReturnType<typeof create>>['response']) => {
    expect(response.statusCode).toBe(503);
    expect((response.json() as { error: Json }).error).toMatchObject({ code: 'REDIS_UNREACHABLE' });
  };

  it('answers 503 REDIS_UNREACHABLE quickly and writes nothing, frozen or gone; once Redis is back, jobs are made and queued', async () => {
    const healthy = await create();
    expect(healthy.response.statusCode).toBe(202);
    const first = (healthy.response.json() as { job: Json }).job.id as string;
    expect(await queue.getJobState(first)).toBe('waiting');

    // Frozen: nothing answers, and the request gives up with the command timeout.
    const pid = server!.pid!;
    process.kill(pid, 'SIGSTOP');
    let frozen: Awaited<ReturnType<typeof create>>;
    try {
      frozen = await create();
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expectRefused(frozen.response);
    expect(frozen.elapsedMs).toBeLessThan(failFastCommandTimeoutMs + 2_000);
    expect(await jobCount()).toBe(1);

    // Gone: refused at once.
    const lost = once(connection, 'reconnecting');
    await server!.stop();
    server = undefined;
    await lost;
    const gone = await create();
    expectRefused(gone.response);
    expect(gone.elapsedMs).toBeLessThan(failFastCommandTimeoutMs);
    expect(await jobCount()).toBe(1);
    expect(await bed.database.query(`SELECT count(*)::int AS n FROM audit_logs WHERE resource_type = 'job'`)).toEqual([{ n: 1 }]);

    // Back: the connection reconnects by itself and the next job is made and queued.
    const back = new Promise((resolve) => connection.once('ready', resolve));
    server = await startRedisServer({ dataDir: dir, port, appendOnly: false });
    await back;
    const after = await create();
    expect(after.response.statusCode).toBe(202);
    const second = (after.response.json() as { job: Json }).job.id as string;
    expect(await queue.getJobState(second)).toBe('waiting');
    expect(await jobCount()).toBe(2);
  });
});
