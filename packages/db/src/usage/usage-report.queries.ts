import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, QuotaLimit } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** One UTC day of an org's usage, as mv_daily_usage holds it (NUMERIC sums as exact decimal strings). */
export interface DailyUsageRow {
  date: string;
  total_tokens: number;
  total_kai_credits: number;
  total_render_seconds: string;
  total_tts_characters: number;
  total_transcription_minutes: string;
  total_cost_usd: string;
}

/**
 * The org's days from `from` to `to` (inclusive, `YYYY-MM-DD`, UTC) in
 * mv_daily_usage, oldest first; days without usage have no row. The view has
 * no row-level security (00007 keeps it from fenta_app), so this runs as the
 * system, and the org filter is the whole boundary: pass the caller's org only.
 * The view is as fresh as its last refresh (the scheduler's upkeep).
 */
export function dailyUsage(db: Kysely<DB>, orgId: string, from: string, to: string): Promise<DailyUsageRow[]> {
  return db
    .selectFrom('mv_daily_usage')
    .select([
      // A DATE would come back as a Date at local midnight; the day itself is what is meant.
      sql<string>`to_char(date, 'YYYY-MM-DD')`.as('date'),
      sql<number>`COALESCE(total_tokens, 0)::bigint`.as('total_tokens'),
      sql<number>`COALESCE(total_kai_credits, 0)::bigint`.as('total_kai_credits'),
      sql<string>`COALESCE(total_render_seconds, 0)::text`.as('total_render_seconds'),
      sql<number>`COALESCE(total_tts_characters, 0)::bigint`.as('total_tts_characters'),
      sql<string>`COALESCE(total_transcription_minutes, 0)::text`.as('total_transcription_minutes'),
      sql<string>`COALESCE(total_cost_usd, 0)::text`.as('total_cost_usd'),
    ])
    .where('org_id', '=', orgId)
    .where(sql<boolean>`date BETWEEN ${from}::date AND ${to}::date`)
    .orderBy('date', 'asc')
    .execute();
}

/** The org's quota row (limits, this period's counters, reset_at), if it has one. */
export function findQuotaLimits(db: Db, orgId: string): Promise<QuotaLimit | undefined> {
  return db.selectFrom('quota_limits').selectAll().where('org_id', '=', orgId).executeTakeFirst();
}
