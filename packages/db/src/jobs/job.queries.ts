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

/** A job by id, for the worker, which is handed nothing but the id; everything it then writes names the job's org. */
export async function getJob(db: Db, jobId: string): Promise<Job | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
}

/** A job of one org; undefined when it belongs to another org. */
export async function getOrgJob(db: Db, orgId: string, jobId: string): Promise<Job | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', jobId).where('org_id', '=', orgId).executeTakeFirst();
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

/** Cancels a job no run holds (queued, cancel requested before a worker took it). */
export async function cancelQueuedJob(db: Db, orgId: string, jobId: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'cancelled', completed_at: sql`now()`, error: JSON.stringify({ code: 'JOB_CANCELLED', message: `Job ${jobId} was cancelled` }) })
    .where('id', '=', jobId)
    .where('org_id', '=', orgId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Jobs Postgres says should be in the queue (queued, or processing: a worker
 * may have died), one page at a time after the id `after`. Ids sort in
 * creation order (they are time-ordered), so paging by id is exact.
 */
export async function listUnfinishedJobIds(
  db: Db,
  options: { olderThanSeconds: number; limit: number; after?: string },
): Promise<Array<{ id: string; org_id: string; status: string }>> {
  let query = db
    .selectFrom('jobs')
    .select(['id', 'org_id', 'status'])
    .where('status', 'in', ['queued', 'processing'])
    .where('updated_at', '<', sql<Date>`now() - make_interval(secs => ${options.olderThanSeconds})`);
  if (options.after !== undefined) query = query.where('id', '>', options.after);
  return query.orderBy('id').limit(options.limit).execute();
}
