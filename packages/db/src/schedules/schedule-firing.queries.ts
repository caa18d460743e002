import { sql, type Transaction } from 'kysely';
import type { DB, Schedule } from '../schema/tables';

/**
 * The most overdue enabled schedule whose next tick has come, locked for
 * this transaction; schedules other schedulers hold are passed over (SKIP
 * LOCKED), so replicas fire different schedules at once and never the same
 * tick twice. Undefined when none is due. The system's query: the scheduler
 * fires every org's schedules.
 */
export async function claimDueSchedule(trx: Transaction<DB>, now: Date): Promise<Schedule | undefined> {
  return trx
    .selectFrom('schedules')
    .selectAll()
    .where('enabled', '=', true)
    .where('next_run_at', '<=', now)
    .orderBy('next_run_at')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

/**
 * The schedule again, locked, if nothing changed it since it was claimed
 * (its tick is still `tick`, nobody edited it: `updatedAt`) and nobody else
 * holds it; undefined otherwise, and the caller leaves it alone.
 */
export async function reclaimScheduleTick(trx: Transaction<DB>, id: string, tick: Date, updatedAt: Date): Promise<Schedule | undefined> {
  return (
    trx
      .selectFrom('schedules')
      .selectAll()
      .where('id', '=', id)
      .where('enabled', '=', true)
      .where('next_run_at', '=', tick)
      // PostgreSQL keeps microseconds; the Date read back has milliseconds.
      .where(sql<Date>`date_trunc('milliseconds', updated_at)`, '=', updatedAt)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst()
  );
}

/** Whether a job this schedule started for another tick than `tick` is still queued or processing (the tick's own job is not an overlap). */
export async function scheduleHasUnfinishedJob(trx: Transaction<DB>, scheduleId: string, tick: Date): Promise<boolean> {
  const row = await trx
    .selectFrom('jobs')
    .select('id')
    .where('schedule_id', '=', scheduleId)
    .where('status', 'in', ['queued', 'processing'])
    .where('scheduled_for', '<>', tick)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Moves a claimed schedule on to `next` (null: it never fires again). A tick
 * that ran a job also sets last_run_at and counts the run.
 */
export async function advanceSchedule(trx: Transaction<DB>, id: string, input: { next: Date | null; ran?: Date }): Promise<void> {
  await trx
    .updateTable('schedules')
    .set({
      next_run_at: input.next,
      ...(input.ran ? { last_run_at: input.ran, run_count: sql<number>`run_count + 1` } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Turns a schedule off (its workflow is gone, or its timing no longer reads): it stays listed, with no next tick. */
export async function disableSchedule(trx: Transaction<DB>, id: string): Promise<void> {
  await trx.updateTable('schedules').set({ enabled: false, next_run_at: null }).where('id', '=', id).execute();
}
