import { sql, type Kysely, type Transaction, type UpdateObject, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type { DB, Job } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * A run's hold on its job: the job, its org and the run's token. Every write
 * a run makes is guarded by `run_token = token`, so a run that lost its lease
 * (another run claimed the job after it expired) changes nothing.
 */
export interface JobRunKey {
  jobId: string;
  orgId: string;
  token: string;
}

export type ClaimOutcome =
  | { claimed: true; job: Job; resurrected: boolean }
  | { claimed: false; reason: 'missing' }
  | { claimed: false; reason: 'ended'; status: string }
  | { claimed: false; reason: 'held'; until: Date }
  | { claimed: false; reason: 'org-busy'; running: number; limit: number };

/**
 * Claims a job for a run: queued, or processing with an expired lease (the
 * run before died without settling it; `resurrected`, and counted in
 * retry_count). Anything else is not claimed: ended, held by a live run until
 * `until`, or its org already runs as many jobs as it may at once
 * (fenta_org_job_concurrency, 00018). The job row is locked while deciding,
 * so two claims never both win, and the org row too, so two workers taking
 * two jobs of one org cannot both see room for one.
 */
export async function claimJobRun(db: Kysely<DB>, input: { jobId: string; token: string; leaseMs: number }): Promise<ClaimOutcome> {
  return db.transaction().execute(async (trx) => {
    const target = await trx.selectFrom('jobs').select(['org_id', 'status']).where('id', '=', input.jobId).executeTakeFirst();
    if (target && target.status === 'queued') {
      await trx.selectFrom('orgs').select('id').where('id', '=', target.org_id).forUpdate().execute();
      const { rows: room } = await sql<{ running: number; limit: number }>`
        SELECT (SELECT count(*)::int FROM jobs
                WHERE org_id = ${target.org_id} AND status = 'processing' AND lease_expires_at > now() AND id <> ${input.jobId}) AS running,
               fenta_org_job_concurrency(${target.org_id}) AS limit`.execute(trx);
      const { running, limit } = room[0]!;
      if (running >= limit) return { claimed: false, reason: 'org-busy', running, limit };
    }
    return claimLeasedJob(trx, input);
  });
}

async function claimLeasedJob(db: Db, input: { jobId: string; token: string; leaseMs: number }): Promise<ClaimOutcome> {
  const { rows } = await sql<Job & { resurrected: boolean }>`
    WITH previous AS (SELECT id, status FROM jobs WHERE id = ${input.jobId} FOR UPDATE)
    UPDATE jobs
    SET status = 'processing',
        run_token = ${input.token},
        lease_expires_at = now() + make_interval(secs => ${input.leaseMs / 1000}),
        started_at = coalesce(jobs.started_at, now()),
        error = NULL,
        retry_count = jobs.retry_count + CASE WHEN previous.status = 'processing' THEN 1 ELSE 0 END
    FROM previous
    WHERE jobs.id = previous.id
      AND (previous.status = 'queued'
           OR (previous.status = 'processing' AND (jobs.lease_expires_at IS NULL OR jobs.lease_expires_at <= now())))
    RETURNING jobs.*, previous.status = 'processing' AS resurrected`.execute(db);
  const row = rows[0];
  if (row) {
    const { resurrected, ...job } = row;
    return { claimed: true, job, resurrected };
  }
  const current = await db.selectFrom('jobs').select(['status', 'lease_expires_at']).where('id', '=', input.jobId).executeTakeFirst();
  if (!current) return { claimed: false, reason: 'missing' };
  if (current.status === 'processing' && current.lease_expires_at) return { claimed: false, reason: 'held', until: current.lease_expires_at };
  return { claimed: false, reason: 'ended', status: current.status };
}

/** Pushes the lease on; false when the run no longer holds the job. */
export async function renewJobLease(db: Db, run: JobRunKey, leaseMs: number): Promise<boolean> {
  const result = await guarded(db.updateTable('jobs').set({ lease_expires_at: sql`now() + make_interval(secs => ${leaseMs / 1000})` }), run).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** What a running job's run polls for: a cancel request, and whether it still holds the job. */
export async function readJobRunState(db: Db, run: JobRunKey): Promise<{ cancelRequested: boolean; held: boolean }> {
  const row = await db
    .selectFrom('jobs')
    .select(['cancel_requested_at', 'run_token', 'status'])
    .where('id', '=', run.jobId)
    .where('org_id', '=', run.orgId)
    .executeTakeFirst();
  return { cancelRequested: row?.cancel_requested_at != null, held: row?.status === 'processing' && row.run_token === run.token };
}

/** Locks the job's row for the run's write (until the transaction ends); false when the run no longer holds the job. */
export async function lockHeldJob(db: Db, run: JobRunKey): Promise<boolean> {
  const row = await db
    .selectFrom('jobs')
    .select('id')
    .where('id', '=', run.jobId)
    .where('org_id', '=', run.orgId)
    .where('status', '=', 'processing')
    .where('run_token', '=', run.token)
    .forNoKeyUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/** Adds a checkpoint's costs to the job and renews the lease, in the checkpoint's transaction; false when the run lost the job. */
export async function addJobCosts(
  db: Db,
  run: JobRunKey,
  costs: { tokens: number; renderSeconds: number; kaiCredits: number; usd: number },
  leaseMs: number,
): Promise<boolean> {
  const result = await guarded(
    db.updateTable('jobs').set({
      cost_tokens: sql`cost_tokens + ${costs.tokens}`,
      cost_render_seconds: sql`cost_render_seconds + ${costs.renderSeconds.toFixed(2)}::numeric`,
      cost_kai_credits: sql`cost_kai_credits + ${costs.kaiCredits}`,
      cost_total_usd: sql`cost_total_usd + ${costs.usd.toFixed(4)}::numeric`,
      lease_expires_at: sql`now() + make_interval(secs => ${leaseMs / 1000})`,
    }),
    run,
  ).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Progress of a running job, 0–100; written only by the run holding it. It
 * only goes up: a retried node starting again from 0, or two updates landing
 * out of order, leave the higher value (and progress events, 00014, stay monotonic).
 */
export async function updateJobProgress(db: Db, run: JobRunKey, progress: number): Promise<void> {
  const percent = Math.max(0, Math.min(100, Math.round(progress)));
  await guarded(db.updateTable('jobs').set({ progress: percent }), run)
    .where('progress', '<', percent)
    .execute();
}

/** The run's end: completed with its result. False when the run no longer holds the job (nothing changed). */
export async function markJobCompleted(db: Db, run: JobRunKey, result: unknown): Promise<boolean> {
  return settle(db, run, { status: 'completed', progress: 100, result: JSON.stringify(result), error: null, completed_at: sql`now()` });
}

export async function markJobFailed(db: Db, run: JobRunKey, error: unknown): Promise<boolean> {
  return settle(db, run, { status: 'failed', error: JSON.stringify(error), completed_at: sql`now()` });
}

export async function markJobCancelled(db: Db, run: JobRunKey): Promise<boolean> {
  return settle(db, run, {
    status: 'cancelled',
    completed_at: sql`now()`,
    error: JSON.stringify({ code: 'JOB_CANCELLED', message: `Job ${run.jobId} was cancelled` }),
  });
}

/**
 * Gives the job back to the queue: `queued`, no run holding it. A retry to
 * come (`retry`: the run failed outside its nodes) counts in retry_count and
 * keeps the error; a shutdown hand-back counts nothing.
 */
export async function markJobQueued(db: Db, run: JobRunKey, options: { retry?: { error: unknown } } = {}): Promise<boolean> {
  return settle(db, run, {
    status: 'queued',
    ...(options.retry ? { error: JSON.stringify(options.retry.error), retry_count: sql`retry_count + 1` } : {}),
  });
}

type JobsUpdate = UpdateQueryBuilder<DB, 'jobs', 'jobs', UpdateResult>;
async function settle(db: Db, run: JobRunKey, values: UpdateObject<DB, 'jobs', 'jobs'>): Promise<boolean> {
  const result = await guarded(db.updateTable('jobs').set({ ...values, run_token: null, lease_expires_at: null }), run).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Restricts an update of `jobs` to the row the run holds. */
function guarded(query: JobsUpdate, run: JobRunKey): JobsUpdate {
  return query.where('id', '=', run.jobId).where('org_id', '=', run.orgId).where('run_token', '=', run.token).where('status', '=', 'processing');
}
