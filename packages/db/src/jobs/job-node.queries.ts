import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, JobNode } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** The checkpoints of a job, by graph node id. */
export async function listJobNodes(db: Db, jobId: string): Promise<JobNode[]> {
  return db.selectFrom('job_nodes').selectAll().where('job_id', '=', jobId).execute();
}

/** Marks a node running and counts the attempt; creates its row on the first run. Returns the attempt number. */
export async function startJobNode(db: Db, input: { jobId: string; orgId: string; nodeId: string; nodeType: string }): Promise<number> {
  const row = await db
    .insertInto('job_nodes')
    .values({ job_id: input.jobId, org_id: input.orgId, node_id: input.nodeId, node_type: input.nodeType, status: 'running', attempt: 1, started_at: sql`now()` })
    .onConflict((oc) =>
      oc.columns(['job_id', 'node_id']).doUpdateSet({ status: 'running', attempt: sql`job_nodes.attempt + 1`, started_at: sql`now()`, error: null, completed_at: null }),
    )
    .returning('attempt')
    .executeTakeFirstOrThrow();
  return row.attempt;
}

/** The checkpoint: a node's output, cost and timing. Written in the same transaction as its usage records. */
export async function completeJobNode(
  db: Db,
  input: { jobId: string; nodeId: string; output: unknown; costUsd: number; usage: unknown; durationMs: number },
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
    .where('node_id', '=', input.nodeId)
    .execute();
}

export async function failJobNode(db: Db, input: { jobId: string; nodeId: string; error: unknown; durationMs: number }): Promise<void> {
  await db
    .updateTable('job_nodes')
    .set({ status: 'failed', error: JSON.stringify(input.error), duration_ms: input.durationMs, completed_at: sql`now()` })
    .where('job_id', '=', input.jobId)
    .where('node_id', '=', input.nodeId)
    .execute();
}
