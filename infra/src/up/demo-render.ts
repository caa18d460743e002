import path from 'node:path';
import type pino from 'pino';
import { createDatabase, getJob, getJobRender } from '@fenta/db';
import { builtInNodeDefinitionRegistry } from '@fenta/graph';
import { createJob } from '@fenta/jobs';
import { createRenderQueue, createRenderQueueEvents } from '@fenta/queue';
import { createStorage, readStorageConfig } from '@fenta/storage';

/** The idempotency key of the demo render: one demo job per stack, found again on the next `./fenta up`. */
export const demoRenderKey = 'fenta-up-demo-render';

/**
 * Enqueues the demo workflow through the same path the API uses (createJob)
 * and logs its progress, and where the MP4 is when it is done.
 */
export async function enqueueDemoRender(options: {
  databaseUrl: string;
  redisUrl: string;
  storageDir: string;
  orgId: string;
  userId: string;
  workflowId: string;
  log: pino.Logger;
}): Promise<{ jobId: string; stop: () => Promise<void> }> {
  const { log } = options;
  const db = createDatabase({ url: options.databaseUrl, poolSize: 2, applicationName: 'fenta-up' });
  const queue = createRenderQueue({ connection: { url: options.redisUrl } });
  const events = createRenderQueueEvents({ connection: { url: options.redisUrl } });
  const storage = createStorage(readStorageConfig({ ...process.env, FENTA_STORAGE_DIR: options.storageDir }, { localRoot: options.storageDir }));
  // Without listeners BullMQ prints every failed reconnect with its stack; the apps report the outage already.
  let redisLost = false;
  const onRedisError = (error: Error) => {
    if (!redisLost) log.warn({ err: error.message }, 'the demo watcher lost Redis; waiting for it to come back');
    redisLost = true;
  };
  queue.on('error', onRedisError);
  events.on('error', onRedisError);
  const stop = async () => {
    await events.close();
    await queue.close();
    await db.destroy();
  };
  try {
    const { job, created } = await createJob(
      { db, queue, registry: builtInNodeDefinitionRegistry, logger: log },
      { orgId: options.orgId, createdBy: options.userId, workflowId: options.workflowId, idempotencyKey: demoRenderKey },
    );
    const describe = async () => {
      const row = await getJob(db, job.id);
      const render = row?.status === 'completed' ? await getJobRender(db, options.orgId, job.id) : undefined;
      if (render?.video_storage_path) {
        const key = render.video_storage_path;
        const file = storage.localPath(key) ?? (await storage.downloadUrl(key));
        const result = row?.result as { video_url?: string } | null;
        log.info(
          { job: job.id, duration: Number(render.duration_seconds), video: path.relative(process.cwd(), file) || file, url: result?.video_url },
          'demo short rendered',
        );
      } else if (row && row.status !== 'queued' && row.status !== 'processing') {
        log.error({ job: job.id, status: row.status, error: row.error }, 'demo render did not complete');
      }
    };
    if (!created && job.status !== 'queued' && job.status !== 'processing') {
      await describe();
    } else {
      log.info({ job: job.id }, 'rendering the demo short');
      let shown = -1;
      events.on('progress', ({ jobId, data }) => {
        const percent = typeof data === 'number' ? data : -1;
        if (jobId !== job.id || percent < shown + 20) return;
        shown = percent - (percent % 20);
        log.info({ job: job.id }, `demo render ${percent}%`);
      });
      events.on('completed', ({ jobId }) => void (jobId === job.id && describe()));
      events.on('failed', ({ jobId, failedReason }) => {
        if (jobId === job.id) log.warn({ job: job.id, reason: failedReason }, 'demo render attempt failed');
      });
    }
    return { jobId: job.id, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
