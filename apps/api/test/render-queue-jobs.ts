import { randomUUID } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import { renderQueueName, type RenderJobData, type RenderQueue } from '@fenta/queue';
import type { TestRedis } from '@fenta/testing';

/**
 * Puts one job in the render queue and has a BullMQ worker of the test's own
 * run it to `outcome` (completed, or failed with "render broke"), so the board
 * shows a job in the state a real run leaves. One attempt: no retry backoff.
 */
export async function settleRenderJob(queue: RenderQueue, redis: TestRedis, outcome: 'completed' | 'failed'): Promise<Job<RenderJobData>> {
  const id = `job_${randomUUID()}`;
  const job = await queue.add('run', { jobId: id }, { jobId: id, attempts: 1 });
  const worker = new Worker<RenderJobData>(
    renderQueueName,
    async () => {
      if (outcome === 'failed') throw new Error('render broke');
      return { rendered: true };
    },
    { connection: redis.redis, prefix: redis.prefix, autorun: false },
  );
  const settled = new Promise<void>((resolve, reject) => {
    worker.on(outcome, (done: Job<RenderJobData> | undefined) => {
      if (done?.id === id) resolve();
    });
    worker.on('error', reject);
  });
  void worker.run();
  try {
    await settled;
  } finally {
    await worker.close();
  }
  return job;
}
