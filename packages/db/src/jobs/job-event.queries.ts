import type { Kysely, Transaction } from 'kysely';
import type { DB, JobEvent } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** The channel every job event is announced on (00014); the payload is the job's id. */
export const jobEventsChannel = 'fenta_job_events';

/** The types of job_events.type (00014, 00023), in the order a job usually goes through them. */
export const jobEventTypes = [
  'job.started',
  'progress',
  'node.started',
  'node.finished',
  'node.failed',
  'job.requeued',
  'render.preview_ready',
  'job.completed',
  'job.failed',
  'job.cancelled',
] as const;

export type JobEventType = (typeof jobEventTypes)[number];

/** The events after which nothing more happens to a job. */
export const finalJobEventTypes: readonly JobEventType[] = ['job.completed', 'job.failed', 'job.cancelled'];

/**
 * The events of one job of one org after `afterSeq`, oldest first, at most
 * `limit`. Events are numbered in commit order with no gap (00014), so
 * paging by `seq` never skips one that commits later.
 */
export async function listJobEvents(db: Db, input: { orgId: string; jobId: string; afterSeq: number; limit: number }): Promise<JobEvent[]> {
  return db
    .selectFrom('job_events')
    .selectAll()
    .where('job_id', '=', input.jobId)
    .where('org_id', '=', input.orgId)
    .where('seq', '>', input.afterSeq)
    .orderBy('seq')
    .limit(input.limit)
    .execute();
}
