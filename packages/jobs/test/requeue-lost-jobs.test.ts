import { createLogger } from '@fenta/core';
import { createRenderQueue, createRenderWorker, enqueueRender, type RenderQueue } from '@fenta/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fenta/testing';
import { requeueLostJobs } from '../src/requeue-lost-jobs';

describe('requeueLostJobs', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let queue: RenderQueue;
  const logger = createLogger({ service: 'test', level: 'silent' });

  beforeEach(async () => {
    database = await createTestDatabase({ migrated: true });
    await database.query(`INSERT INTO users (id, email, password_hash, name) VALUES ('user_x', 'x@example.com', '!', 'X')`);
    await database.query(`INSERT INTO orgs (id, name, slug, owner_id) VALUES ('org_x', 'X', 'x', 'user_x')`);
    redis = await createTestRedis();
    queue = createRenderQueue({ connection: redis.redis, prefix: redis.prefix });
  });
  afterEach(async () => {
    await queue.close();
    await redis.cleanup();
    await database.drop();
  });

  it('pages through a backlog of 2,000 lost jobs and adds every one back, once', async () => {
    await database.query(
      `INSERT INTO jobs (org_id, config, status) SELECT 'org_x', '{}', CASE WHEN i % 2 = 0 THEN 'queued' ELSE 'processing' END FROM generate_series(1, 2000) AS i`,
    );
    await database.query(`INSERT INTO jobs (org_id, config, status) SELECT 'org_x', '{}', s FROM unnest(ARRAY['completed', 'failed', 'cancelled']) AS s`);
    const ids = (await database.query<{ id: string }>(`SELECT id FROM jobs WHERE status IN ('queued', 'processing') ORDER BY id`)).map((row) => row.id);

    const requeued = await requeueLostJobs({ db: database.db, queue, logger, graceSeconds: 0, pageSize: 500 });
    expect(requeued).toEqual(ids);
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 2000 });
    expect((await queue.getJob(ids[1_999]!))?.data).toEqual({ jobId: ids[1_999] });
    // A second pass finds them all in the queue.
    expect(await requeueLostJobs({ db: database.db, queue, logger, graceSeconds: 0 })).toEqual([]);
  }, 60_000);

  it('leaves jobs the queue still holds and recent ones alone, and replaces a finished queue entry Postgres says is not finished', async () => {
    // An hour old, but for the last one (inserted directly: the updated_at trigger acts on updates only).
    const [waiting, finishedInRedis, recent] = (
      await database.query<{ id: string }>(
        `INSERT INTO jobs (org_id, config, updated_at) SELECT 'org_x', '{}', CASE WHEN i < 3 THEN now() - interval '1 hour' ELSE now() END FROM generate_series(1, 3) AS i ORDER BY i RETURNING id`,
      )
    ).map((row) => row.id);
    // A queue entry that finished while Postgres never heard of it (a run whose writes were lost, say).
    const connection = redis.redis.duplicate();
    const worker = createRenderWorker(async () => 'done elsewhere', { connection, prefix: redis.prefix, concurrency: 1, lockDurationMs: 5_000 });
    const finished = new Promise<void>((resolve) => worker.on('completed', () => resolve()));
    await enqueueRender(queue, finishedInRedis!);
    await finished;
    await worker.close();
    connection.disconnect();
    expect(await queue.getJobState(finishedInRedis!)).toBe('completed');
    await enqueueRender(queue, waiting!);

    expect(await requeueLostJobs({ db: database.db, queue, logger, graceSeconds: 60 })).toEqual([finishedInRedis]);
    expect(await queue.getJobState(finishedInRedis!)).toBe('waiting');
    expect(await queue.getJobState(recent!)).toBe('unknown');
    expect(await queue.getJobState(waiting!)).toBe('waiting');
  });
});
