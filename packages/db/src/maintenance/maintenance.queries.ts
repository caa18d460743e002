import { sql, type Kysely } from 'kysely';

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
