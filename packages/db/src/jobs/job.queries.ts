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
 * gets the same job. Only the columns given are named (the status is the
 * column's default, queued), so a tenant transaction may run it within the
 * columns 00009 lets tenants set.
 */
export async function insertJobOnce(db: Db, input: NewJobInput): Promise<{ job: Job; created: boolean }> {
  const inserted = await db
    .insertInto('jobs')
    .values({
      org_id: input.orgId,
      workflow_id: input.workflowId ?? undefined,
      template_id: input.templateId ?? undefined,
      project_id: input.projectId ?? undefined,
      created_by: input.createdBy ?? undefined,
      idempotency_key: input.idempotencyKey ?? undefined,
      schedule_id: input.scheduleId ?? undefined,
      scheduled_for: input.scheduledFor ?? undefined,
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

/**
 * Ends a job that was asked to stop while no run holds it (queued): it is
 * cancelled at once (fenta_cancel_unclaimed_job, 00013, which a tenant
 * transaction may call for its own org). False when it is not queued any
 * more: a run took it and stops at its next check.
 */
export async function cancelUnclaimedJob(db: Db, jobId: string): Promise<boolean> {
  const { rows } = await sql<{ cancelled: boolean }>`SELECT fenta_cancel_unclaimed_job(${jobId}) AS cancelled`.execute(db);
  return rows[0]?.cancelled === true;
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

export type JobStatus = 'queued' | 'processing' | 'completed' | 'failed' | 'cancelled';

/** A job as lists show it: the row and the node its run is in now, if any. */
export type JobWithCurrentNode = Job & { current_node: string | null };

export interface JobListFilter {
  status?: JobStatus;
  workflowId?: string;
  createdAfter?: Date;
  createdBefore?: Date;
  /** The last id of the previous page: rows with smaller ids (older) follow. */
  before?: string;
  limit: number;
}

/**
 * An org's jobs, newest first (ids sort by creation), filtered, one page
 * after `before`. Each row carries the node running now (the one started
 * last), for a list that shows where every job is.
 */
export async function listOrgJobs(db: Db, orgId: string, filter: JobListFilter): Promise<JobWithCurrentNode[]> {
  let query = db
    .selectFrom('jobs')
    .selectAll('jobs')
    .select((eb) =>
      eb
        .selectFrom('job_nodes')
        .select('job_nodes.node_id')
        .whereRef('job_nodes.job_id', '=', 'jobs.id')
        .where('job_nodes.status', '=', 'running')
        .orderBy('job_nodes.started_at', 'desc')
        .limit(1)
        .as('current_node'),
    )
    .where('jobs.org_id', '=', orgId);
  if (filter.status) query = query.where('jobs.status', '=', filter.status);
  if (filter.workflowId) query = query.where('jobs.workflow_id', '=', filter.workflowId);
  if (filter.createdAfter) query = query.where('jobs.created_at', '>', filter.createdAfter);
  if (filter.createdBefore) query = query.where('jobs.created_at', '<', filter.createdBefore);
  if (filter.before !== undefined) query = query.where('jobs.id', '<', filter.before);
  return query.orderBy('jobs.id', 'desc').limit(filter.limit).execute();
}
