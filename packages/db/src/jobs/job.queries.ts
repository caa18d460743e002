import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, Job } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** What a client asks to run; the config is a frozen snapshot (graph, templates, variables). */
export interface NewJobInput {
  orgId: string;
  workflowId?: string | null;
  templateId?: string | null;
  projectId?: string | null;
  createdBy?: string | null;
  idempotencyKey?: string | null;
  scheduleId?: string | null;
  scheduledFor?: Date | null;
  config: unknown;
}

/**
 * Inserts a queued job, or returns the existing one when the org already has
 * a job with this idempotency key (or this schedule tick): the same request
 * gets the same job.
 */
export async function insertJobOnce(db: Db, input: NewJobInput): Promise<{ job: Job; created: boolean }> {
  const inserted = await db
    .insertInto('jobs')
    .values({
      org_id: input.orgId,
      workflow_id: input.workflowId ?? null,
      template_id: input.templateId ?? null,
      project_id: input.projectId ?? null,
      created_by: input.createdBy ?? null,
      idempotency_key: input.idempotencyKey ?? null,
      schedule_id: input.scheduleId ?? null,
      scheduled_for: input.scheduledFor ?? null,
      status: 'queued',
      config: JSON.stringify(input.config),
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { job: inserted, created: true };
  let existing = db.selectFrom('jobs').selectAll().where('org_id', '=', input.orgId);
  existing = input.idempotencyKey
    ? existing.where('idempotency_key', '=', input.idempotencyKey)
    : existing.where('schedule_id', '=', input.scheduleId ?? '').where('scheduled_for', '=', input.scheduledFor ?? new Date(0));
  const job = await existing.executeTakeFirstOrThrow();
  return { job, created: false };
}

/** A job as the worker needs it, scoped to nothing but its id: the worker acts for the system. */
export async function getJob(db: Db, jobId: string): Promise<Job | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
}

/** A job of one org; undefined when it belongs to another org. */
export async function getOrgJob(db: Db, orgId: string, jobId: string): Promise<Job | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', jobId).where('org_id', '=', orgId).executeTakeFirst();
}

/** queued → processing; returns false when the job is no longer runnable (completed, failed, cancelled). */
export async function markJobProcessing(db: Db, jobId: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'processing', started_at: sql`coalesce(started_at, now())`, error: null })
    .where('id', '=', jobId)
    .where('status', 'in', ['queued', 'processing'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Hands a job back to the queue (shutdown, a retry to come): nothing is left in `processing`. */
export async function markJobQueued(db: Db, jobId: string, error?: unknown): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'queued', error: error === undefined ? null : JSON.stringify(error), retry_count: sql`retry_count + 1` })
    .where('id', '=', jobId)
    .where('status', '=', 'processing')
    .execute();
}

export async function markJobFailed(db: Db, jobId: string, error: unknown): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'failed', error: JSON.stringify(error), completed_at: sql`now()` })
    .where('id', '=', jobId)
    .where('status', 'in', ['queued', 'processing'])
    .execute();
}

export async function markJobCancelled(db: Db, jobId: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'cancelled', completed_at: sql`now()`, error: JSON.stringify({ code: 'JOB_CANCELLED', message: `Job ${jobId} was cancelled` }) })
    .where('id', '=', jobId)
    .where('status', 'in', ['queued', 'processing'])
    .execute();
}

/** Asks a job to stop; the worker running it notices within a second. Returns false when it had already ended. */
export async function requestJobCancel(db: Db, orgId: string, jobId: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ cancel_requested_at: sql`coalesce(cancel_requested_at, now())` })
    .where('id', '=', jobId)
    .where('org_id', '=', orgId)
    .where('status', 'in', ['queued', 'processing'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function isJobCancelRequested(db: Db, jobId: string): Promise<boolean> {
  const row = await db.selectFrom('jobs').select('cancel_requested_at').where('id', '=', jobId).executeTakeFirst();
  return row?.cancel_requested_at != null;
}

export async function updateJobProgress(db: Db, jobId: string, progress: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ progress: Math.max(0, Math.min(100, Math.round(progress))) })
    .where('id', '=', jobId)
    .where('status', '=', 'processing')
    .execute();
}

/** Jobs Postgres says should be in the queue: queued ones, and processing ones (a worker may have died). */
export async function listUnfinishedJobIds(db: Db, options: { olderThanSeconds: number; limit: number }): Promise<Array<{ id: string; status: string }>> {
  return db
    .selectFrom('jobs')
    .select(['id', 'status'])
    .where('status', 'in', ['queued', 'processing'])
    .where('updated_at', '<', sql<Date>`now() - make_interval(secs => ${options.olderThanSeconds})`)
    .orderBy('created_at')
    .limit(options.limit)
    .execute();
}
