import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema/tables';

/**
 * How many jobs there are in each status, every org together: one grouped
 * count for the operators' metrics. Bounded by `timeoutMs` in the database
 * (statement_timeout), so a slow count gives up instead of piling up.
 */
export async function countJobsByStatus(db: Kysely<DB>, timeoutMs: number): Promise<Array<{ status: string; count: number }>> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('statement_timeout', ${String(Math.max(1, Math.floor(timeoutMs)))}, true)`.execute(trx);
    return trx
      .selectFrom('jobs')
      .select(['status', sql<number>`count(*)::bigint`.as('count')])
      .groupBy('status')
      .orderBy('status')
      .execute();
  });
}
