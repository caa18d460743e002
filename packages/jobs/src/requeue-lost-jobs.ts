import type { Kysely } from 'kysely';
import type { Logger } from '@fenta/core';
import { listUnfinishedJobIds, withTryAdvisoryLock, type DB } from '@fenta/db';
import { enqueueRender, type RenderQueue } from '@fenta/queue';

// Shared by every worker, so only one reconciles at a time.
const reconcileLockKey = 7_302_114_585;

// Queue states in which a job will still run without help.
const liveStates = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

export interface RequeueOptions {
  db: Kysely<DB>;
  queue: RenderQueue;
  logger: Logger;
  /** Jobs touched more recently than this are left alone: their creator may still be adding them. */
  graceSeconds?: number;
  /** Rows read per page; every page is read until none is left. */
  pageSize?: number;
}

/**
 * Postgres is the source of truth: a job it holds as queued or processing
 * must be in the queue. A crash between the insert and the add (or a Redis
 * that lost data) leaves it out; this pages through every such job, asks the
 * queue about a page at once, and adds the missing ones again under their own
 * id. A job the queue holds as finished while Postgres does not is removed
 * and added again: Postgres wins. The run that takes it re-validates it.
 */
export async function requeueLostJobs(options: RequeueOptions): Promise<string[]> {
  const { db, queue } = options;
  const requeued: string[] = [];
  await withTryAdvisoryLock(db, reconcileLockKey, async () => {
    let after: string | undefined;
    for (;;) {
      const page = await listUnfinishedJobIds(db, { olderThanSeconds: options.graceSeconds ?? 30, limit: options.pageSize ?? 500, after });
      if (page.length === 0) break;
      const states = await Promise.all(page.map(({ id }) => queue.getJobState(id)));
      for (const [index, { id }] of page.entries()) {
        const state = states[index]!;
        if (liveStates.has(state)) continue;
        if (state !== 'unknown') await (await queue.getJob(id))?.remove().catch(() => undefined);
        await enqueueRender(queue, id);
        requeued.push(id);
      }
      after = page.at(-1)!.id;
    }
  });
  if (requeued.length > 0) options.logger.warn({ count: requeued.length, jobs: requeued.slice(0, 20) }, 'added jobs missing from the queue');
  return requeued;
}
