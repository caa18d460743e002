import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, JobNode } from '../schema/tables';
import type { JobRunKey } from './job-run.queries';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Makes a new job the retry of `parentJobId` and copies the parent's
 * completed checkpoints of `nodeIds` into it (fenta_reuse_job_checkpoints,
 * 00013): the executor then resumes after them. Which nodes are unchanged
 * (same type, params and upstream) is the caller's to decide. Returns how
 * many were copied.
 */
export async function reuseJobCheckpoints(db: Db, input: { jobId: string; parentJobId: string; nodeIds: string[] }): Promise<number> {
  const { rows } = await sql<{ copied: number }>`
    SELECT fenta_reuse_job_checkpoints(${input.jobId}, ${input.parentJobId}, ${input.nodeIds}::text[]) AS copied`.execute(db);
  return rows[0]?.copied ?? 0;
}

/** The checkpoints of a job, by graph node id. */
export async function listJobNodes(db: Db, orgId: string, jobId: string): Promise<JobNode[]> {
  return db.selectFrom('job_nodes').selectAll().where('job_id', '=', jobId).where('org_id', '=', orgId).execute();
}

/**
 * Marks a node running and counts the attempt; creates its row on the first
 * run. Returns the attempt number, or undefined when the run no longer holds
 * the job (then nothing was written).
 */
export async function startJobNode(db: Db, run: JobRunKey, input: { nodeId: string; nodeType: string }): Promise<number | undefined> {
  const { rows } = await sql<{ attempt: number }>`
    INSERT INTO job_nodes (job_id, org_id, node_id, node_type, status, attempt, started_at)
    SELECT j.id, j.org_id, ${input.nodeId}, ${input.nodeType}, 'running', 1, now()
    FROM jobs j
    WHERE j.id = ${run.jobId} AND j.org_id = ${run.orgId} AND j.run_token = ${run.token} AND j.status = 'processing'
    ON CONFLICT (job_id, node_id) DO UPDATE
    SET status = 'running', attempt = job_nodes.attempt + 1, started_at = now(), error = NULL, completed_at = NULL
    RETURNING attempt`.execute(db);
  return rows[0]?.attempt;
}

/** The checkpoint: a node's output, cost and timing. Written in the transaction that also guards the run and records usage. */
export async function completeJobNode(
  db: Db,
  input: { jobId: string; orgId: string; nodeId: string; output: unknown; costUsd: number; usage: unknown; durationMs: number },
): Promise<void> {
  await db
    .updateTable('job_nodes')
    .set({
      status: 'completed',
      output: JSON.stringify(input.output),
      cost_usd: input.costUsd.toFixed(4),
      usage: JSON.stringify(input.usage),
      duration_ms: input.durationMs,
      completed_at: sql`now()`,
    })
    .where('job_id', '=', input.jobId)
    .where('org_id', '=', input.orgId)
    .where('node_id', '=', input.nodeId)
    .execute();
}

/** Records a node's failure; only the run holding the job may. */
export async function failJobNode(db: Db, run: JobRunKey, input: { nodeId: string; error: unknown; durationMs: number }): Promise<void> {
  await sql`
    UPDATE job_nodes n
    SET status = 'failed', error = ${JSON.stringify(input.error)}::jsonb, duration_ms = ${input.durationMs}, completed_at = now()
    FROM jobs j
    WHERE n.job_id = ${run.jobId} AND n.org_id = ${run.orgId} AND n.node_id = ${input.nodeId}
      AND j.id = n.job_id AND j.run_token = ${run.token} AND j.status = 'processing'`.execute(db);
}
