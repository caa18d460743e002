import type { QueueEvents } from 'bullmq';
import { createJob, requeueLostJobs } from '@fenta/jobs';
import { createTestRedis, jobCostAndUsage, type TestRedis } from '@fenta/testing';
import { createRenderQueueEvents } from '@fenta/queue';
// The executor's test node types: they count runs and block on demand, like real nodes but instantly.
import { createExecutorFixture, testGraph, type ExecutorFixture } from '../../../packages/pipeline/test/executor/executor-fixture';
import { startRenderWorker, type RunningRenderWorker } from '../src/start-render-worker';

describe('render worker', () => {
  let fx: ExecutorFixture;
  let redis: TestRedis;
  let running: RunningRenderWorker | undefined;
  let events: QueueEvents;

  beforeEach(async () => {
    fx = await createExecutorFixture();
    redis = await createTestRedis();
    events = createRenderQueueEvents({ connection: { url: redis.url }, prefix: redis.prefix });
    await events.waitUntilReady();
  });
  afterEach(async () => {
    await running?.shutdown(1_000);
    running = undefined;
    await events.close();
    await redis.cleanup();
    await fx.cleanup();
  });

  const start = (url = redis.url) => {
    running = startRenderWorker({
      deps: fx.deps,
      redisUrl: url,
      prefix: redis.prefix,
      concurrency: 1,
      logger: fx.deps.logger,
      reconcileOnStart: false,
      reconcileIntervalMs: 3_600_000,
    });
    return running;
  };
  const status = async (jobId: string) => (await fx.database.query<{ status: string }>(`SELECT status FROM jobs WHERE id = $1`, [jobId]))[0]!.status;

  it('takes a job created through createJob and completes it, with the jobs id as the BullMQ id', async () => {
    const worker = start();
    const { job } = await createJob(
      { db: fx.database.db, queue: worker.queue, registry: fx.deps.registry, logger: fx.deps.logger },
      { orgId: 'org_x', graph: testGraph('Test.Block', { block: false }) },
    );
    const completed = new Promise<{ jobId: string; returnvalue: any }>((resolve) => events.on('completed', resolve));
    const done = await completed;
    expect(done.jobId).toBe(job.id);
    const [render] = await fx.database.query<{ id: string; video_storage_path: string }>(`SELECT id, video_storage_path FROM renders WHERE job_id = $1`, [
      job.id,
    ]);
    expect(render!.video_storage_path).toBe(`orgs/org_x/jobs/${job.id}/d/video.mp4`);
    expect(done.returnvalue).toMatchObject({ render_id: render!.id, video_url: `http://127.0.0.1:8080/v1/renders/${render!.id}/video` });
    expect(await status(job.id)).toBe('completed');
    expect(await jobCostAndUsage(fx.database.query, job.id)).toEqual({ cost_total_usd: '0.0068', usage_sum_usd: '0.0068' });
  });

  it('gives the same job for the same idempotency key', async () => {
    const worker = start();
    const deps = { db: fx.database.db, queue: worker.queue, registry: fx.deps.registry, logger: fx.deps.logger };
    const input = { orgId: 'org_x', graph: testGraph('Test.Block', { block: false }), idempotencyKey: 'req-1' };
    const completed = new Promise((resolve) => events.on('completed', resolve));
    const first = await createJob(deps, input);
    const second = await createJob(deps, input);
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, job: { id: first.job.id } });
    await completed;
    expect(await fx.database.query(`SELECT count(*)::int AS n FROM jobs`)).toEqual([{ n: 1 }]);
  });

  it('hands a running job back on shutdown after the grace period: queued in Postgres, waiting in Redis', async () => {
    const worker = start();
    const blocked = new Promise<void>((resolve) => (fx.script.blocked = resolve));
    const { job } = await createJob(
      { db: fx.database.db, queue: worker.queue, registry: fx.deps.registry, logger: fx.deps.logger },
      { orgId: 'org_x', graph: testGraph('Test.Block') },
    );
    await blocked;
    await worker.shutdown(200);
    running = undefined;
    expect(await status(job.id)).toBe('queued');
    const inspector = start();
    const state = await (await inspector.queue.getJob(job.id))!.getState();
    expect(['delayed', 'waiting', 'active']).toContain(state);
  });

  it('re-adds a job that Postgres holds but the queue lost', async () => {
    const worker = start();
    const jobId = await fx.insertJob(testGraph('Test.Block', { block: false }));
    const completed = new Promise<{ jobId: string }>((resolve) => events.on('completed', resolve));
    const reconcile = () => requeueLostJobs({ db: fx.database.db, queue: worker.queue, logger: fx.deps.logger, graceSeconds: 0 });
    expect(await reconcile()).toEqual([jobId]);
    expect((await completed).jobId).toBe(jobId);
    expect(await status(jobId)).toBe('completed');
    expect(await reconcile()).toEqual([]);
  });
});
