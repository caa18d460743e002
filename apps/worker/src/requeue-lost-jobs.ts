import type { Queue } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Logger } from '@fenta/core';
import { listUnfinishedJobIds, withTryAdvisoryLock, type DB } from '@fenta/db';

// Shared by every worker, so only one reconciles at a time.
const reconcileLockKey = 7_302_114_585;

/**
 * Postgres is the source of truth: a job it holds as queued or processing
 * must be in the queue. A crash between the insert and the add (or a Redis
 * that lost data) leaves it out; this finds such jobs and adds them again
 * under their own id. Jobs younger than `graceSeconds` are left alone, as
 * their creator may still be adding them.
 */
export async function requeueLostJobs(options: { db: Kysely<DB>; queue: Queue; logger: Logger; graceSeconds?: number; limit?: number }): Promise<string[]> {
  const requeued: string[] = [];
  await withTryAdvisoryLock(options.db, reconcileLockKey, async () => {
    const jobs = await listUnfinishedJobIds(options.db, { olderThanSeconds: options.graceSeconds ?? 30, limit: options.limit ?? 500 });
    for (const { id } of jobs) {
      const queued = await options.queue.getJob(id);
      const state = queued ? await queued.getState() : 'missing';
      if (state === 'waiting' || state === 'active' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') continue;
      // Finished or gone in Redis while Postgres says it is not: Postgres wins.
      if (queued) await queued.remove().catch(() => undefined);
      await options.queue.add('run', { jobId: id }, { jobId: id });
      requeued.push(id);
    }
  });
  if (requeued.length > 0) options.logger.warn({ jobs: requeued }, 'added jobs missing from the queue');
  return requeued;
}
