import type { Logger } from '@fenta/core';
import { enqueueRender, type RenderQueue } from '@fenta/queue';

/** How long adding a job to the queue may take before the caller goes on without it. */
export const defaultEnqueueTimeoutMs = 1_000;

/**
 * Adds a queued job to the render queue, waiting at most `timeoutMs`. The
 * queue's Redis connection waits through an outage instead of failing (BullMQ
 * needs it to), so a Redis that is down or slow would otherwise hold the
 * caller for as long as it is gone. A job not added in time stays queued in
 * Postgres and the reconciler (requeueLostJobs) adds it; an add still pending
 * on the connection may also land once Redis is back. The BullMQ id is the
 * jobs id, so either way the job is in the queue once. True when it was added.
 */
export async function enqueueJob(deps: { queue: RenderQueue; logger: Logger; enqueueTimeoutMs?: number }, jobId: string): Promise<boolean> {
  const timeoutMs = deps.enqueueTimeoutMs ?? defaultEnqueueTimeoutMs;
  const adding = enqueueRender(deps.queue, jobId).then(
    () => true,
    (error: unknown) => {
      deps.logger.warn({ err: error, jobId }, 'could not add the job to the queue; the reconciler will');
      return false;
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      deps.logger.warn({ jobId, timeoutMs }, 'the queue did not take the job in time; it stays queued for the reconciler');
      resolve(false);
    }, timeoutMs);
  });
  try {
    return await Promise.race([adding, late]);
  } finally {
    clearTimeout(timer);
  }
}
