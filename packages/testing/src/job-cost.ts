import type { Query } from './test-database';

/** A job's recorded total beside the sum of its usage records, both as PostgreSQL prints them. */
export interface JobCostAndUsage {
  cost_total_usd: string;
  usage_sum_usd: string;
}

/**
 * What a test that runs a job compares: the job's `cost_total_usd` and the sum
 * of the `cost_usd` of its usage records, which must be equal (the bill is the
 * records, and the job's total is what a customer sees of it).
 */
export async function jobCostAndUsage(query: Query, jobId: string): Promise<JobCostAndUsage> {
  const [row] = await query<JobCostAndUsage>(
    `SELECT j.cost_total_usd::numeric(10, 4)::text AS cost_total_usd,
            (SELECT COALESCE(SUM(u.cost_usd), 0)::numeric(10, 4)::text FROM usage_records u WHERE u.job_id = j.id) AS usage_sum_usd
     FROM jobs j WHERE j.id = $1`,
    [jobId],
  );
  if (!row) throw new Error(`no job ${jobId}`);
  return row;
}
