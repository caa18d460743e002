import { sql, type Kysely } from 'kysely';
import { deleteInBatches } from './delete-in-batches';

/** Creates this month's and the next `monthsAhead` months' partitions of usage_records and audit_logs. */
export async function ensurePartitions(db: Kysely<any>, monthsAhead = 3): Promise<void> {
  await sql`SELECT fenta_ensure_partitions(${monthsAhead}::int)`.execute(db);
}

/** Refreshes mv_daily_usage without blocking readers (its unique index allows CONCURRENTLY). */
export async function refreshDailyUsage(db: Kysely<any>): Promise<void> {
  await sql`REFRESH MATERIALIZED VIEW CONCURRENTLY mv_daily_usage`.execute(db);
}

/**
 * Runs `fn` only if no other process holds the named advisory lock, on one
 * pinned connection; returns false when another process is already at it.
 */
export async function withTryAdvisoryLock(db: Kysely<any>, key: number, fn: (conn: Kysely<any>) => Promise<void>): Promise<boolean> {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${key}) AS locked`.execute(conn);
    if (!rows[0]?.locked) return false;
    try {
      await fn(conn);
      return true;
    } finally {
      await sql`SELECT pg_advisory_unlock(${key})`.execute(conn);
    }
  });
}

/** Starts a new quota period for every org whose reset_at has passed (fenta_reset_ended_quota_periods, 00021); returns how many. */
export async function resetEndedQuotaPeriods(db: Kysely<any>, now: Date = new Date()): Promise<number> {
  const { rows } = await sql<{ reset: number }>`SELECT fenta_reset_ended_quota_periods(${now}::timestamptz) AS reset`.execute(db);
  return rows[0]?.reset ?? 0;
}

export interface PruneOptions {
  /** Rows created before this go. */
  before: Date;
  /** Rows removed per statement, so a large backlog never holds long locks or one huge transaction. */
  batchSize?: number;
}

/** Removes job logs written before `options.before`, in batches; returns how many. */
export async function pruneJobLogs(db: Kysely<any>, options: PruneOptions): Promise<number> {
  return deleteInBatches(options.batchSize ?? 1_000, async (limit) => {
    const result = await sql`DELETE FROM job_logs WHERE id IN (SELECT id FROM job_logs WHERE created_at < ${options.before} LIMIT ${limit})`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  });
}

/**
 * Removes finished webhook deliveries (success or failed) created before
 * `options.before`, in batches; returns how many. Pending deliveries always
 * stay, and so does a delivery a pending redelivery is sent under: its id is
 * that redelivery's webhook-id.
 */
export async function pruneFinishedWebhookDeliveries(db: Kysely<any>, options: PruneOptions): Promise<number> {
  return deleteInBatches(options.batchSize ?? 1_000, async (limit) => {
    const result = await sql`
      DELETE FROM webhook_deliveries WHERE id IN (
        SELECT d.id FROM webhook_deliveries d
        WHERE d.status <> 'pending' AND d.created_at < ${options.before}
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries r WHERE r.redelivery_of = d.id AND r.status = 'pending')
        LIMIT ${limit})`.execute(db);
    return Number(result.numAffectedRows ?? 0);
  });
}
