import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { claimJobRun, type DB, enqueueWebhookDeliveries, type Job, type JobRunKey, markJobCancelled, markJobFailed, markJobQueued } from '@fenta/db';

/**
 * `jobs.retry_count` counts the runs after the first that a crash (a run
 * that died holding the job) or a queue retry (a failure outside the nodes)
 * caused; shutdown hand-backs do not count. A claim that finds a crashed run
 * and brings the count to this fails the job (JOB_CRASHED_REPEATEDLY)
 * instead of resurrecting it: a job that kills its worker every time is run
 * three times, not forever.
 */
export const maxJobRetries = 3;

export type RunClaim =
  | { claimed: true; run: JobRunKey; job: Job; resurrected: boolean; crashedTooOften: boolean }
  | { claimed: false; reason: 'missing' }
  | { claimed: false; reason: 'ended'; status: string }
  | { claimed: false; reason: 'held'; until: Date }
  /** The job's org already runs as many jobs as its plan allows at once: the job waits, other orgs' jobs do not. */
  | { claimed: false; reason: 'org-busy'; running: number; limit: number };

/**
 * Claims the job for a new run with a fresh token and a lease of `leaseMs`.
 * `resurrected` says the previous run died holding it; `crashedTooOften`
 * that this was once too many (the caller fails the job instead of running it).
 */
export async function claimRun(db: Kysely<DB>, jobId: string, leaseMs: number): Promise<RunClaim> {
  const token = randomUUID();
  const claim = await claimJobRun(db, { jobId, token, leaseMs });
  if (!claim.claimed) return claim;
  const { job, resurrected } = claim;
  return { claimed: true, run: { jobId, orgId: job.org_id, token }, job, resurrected, crashedTooOften: resurrected && job.retry_count >= maxJobRetries };
}

/** What `jobs.error` holds: a code from the registry, its message, and where it happened. */
export interface JobErrorBody {
  code: string;
  message: string;
  node?: string;
  details?: unknown;
}

/**
 * Fails the job and writes its `render.failed` deliveries in one transaction;
 * false when the run no longer held it. Like every end of a job, this
 * settles its quota reservation: a reservation is held only while its job
 * is queued or processing (00013), and what the job used is already counted.
 */
export async function failRun(db: Kysely<DB>, run: JobRunKey, error: JobErrorBody): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (!(await markJobFailed(trx, run, error))) return false;
    await enqueueWebhookDeliveries(trx, run.orgId, 'render.failed', { event: 'render.failed', job_id: run.jobId, org_id: run.orgId, error });
    return true;
  });
}

/** Ends a run that was asked to stop: the job is `cancelled`, which settles its quota reservation. */
export async function cancelRun(db: Kysely<DB>, run: JobRunKey): Promise<boolean> {
  return markJobCancelled(db, run);
}

/** Gives the job back (`queued`, keeping its quota reservation) without counting a retry: the worker is shutting down or lost its queue lock. */
export async function handBackRun(db: Kysely<DB>, run: JobRunKey): Promise<boolean> {
  return markJobQueued(db, run);
}

/** Gives the job back (`queued`) for the queue to retry, counting the retry and keeping the error that caused it. */
export async function retryRunLater(db: Kysely<DB>, run: JobRunKey, error: JobErrorBody): Promise<boolean> {
  return markJobQueued(db, run, { retry: { error } });
}
