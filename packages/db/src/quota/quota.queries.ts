import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** The resources a quota limits, as quota_limits names them. */
export type QuotaResource = 'tokens' | 'kai_credits' | 'render_seconds' | 'storage_bytes';

/** An amount of work, in the units the quota counts. */
export interface QuotaAmounts {
  tokens: number;
  kaiCredits: number;
  renderSeconds: number;
}

/**
 * Reserves a new job's estimated usage against its org's quota
 * (fenta_reserve_job_quota, 00013): one reservation of an org at a time,
 * with every committed reservation counted. Returns the exhausted resources
 * when it does not fit (nothing reserved; the caller rolls back), else
 * undefined. The reservation lasts while the job is unfinished, less what it
 * has used so far, so the job's end settles it.
 */
export async function reserveJobQuota(db: Db, jobId: string, amounts: QuotaAmounts): Promise<QuotaResource[] | undefined> {
  const { rows } = await sql<{ short: QuotaResource[] | null }>`
    SELECT fenta_reserve_job_quota(${jobId}, ${amounts.tokens}, ${amounts.kaiCredits}, ${amounts.renderSeconds.toFixed(2)}::numeric) AS short`.execute(db);
  return rows[0]?.short ?? undefined;
}

/**
 * The resources an org has no room left in for `amounts` more work, by
 * check_quota's rules (limits, then overage and its cap); undefined when it
 * may go on. `countReserved` counts what unfinished jobs still hold as used.
 */
export async function findQuotaShortfall(
  db: Db,
  orgId: string,
  amounts: QuotaAmounts = { tokens: 0, kaiCredits: 0, renderSeconds: 0 },
  options: { countReserved?: boolean } = {},
): Promise<QuotaResource[] | undefined> {
  const { rows } = await sql<{ short: QuotaResource[] | null }>`
    SELECT fenta_quota_shortfall(${orgId}, ${amounts.tokens}, ${amounts.kaiCredits}, ${amounts.renderSeconds.toFixed(2)}::numeric, ${options.countReserved ?? false}) AS short`.execute(
    db,
  );
  return rows[0]?.short ?? undefined;
}

/** What an org's unfinished jobs still hold of their reservations. */
export async function readQuotaReserved(db: Db, orgId: string): Promise<QuotaAmounts> {
  const { rows } = await sql<{ tokens: number; kai_credits: number; render_seconds: string }>`
    SELECT tokens, kai_credits, render_seconds FROM fenta_quota_reserved(${orgId})`.execute(db);
  const row = rows[0];
  return { tokens: row?.tokens ?? 0, kaiCredits: row?.kai_credits ?? 0, renderSeconds: Number(row?.render_seconds ?? 0) };
}
