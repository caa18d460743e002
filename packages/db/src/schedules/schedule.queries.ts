import type { Kysely, Transaction } from 'kysely';
import type { DB, Schedule } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** What a client sets on a schedule; next_run_at is computed from cron and timezone by the caller. */
export interface ScheduleFields {
  workflow_id: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  next_run_at: Date | null;
  /** After the scheduler was away: run the last missed tick once, or none. */
  missed_runs: 'run_last' | 'skip';
  /** A tick while the previous run is unfinished: skip it, or run it too. */
  overlap: 'skip' | 'allow';
}

/** A page of the org's schedules, newest first (ids sort by creation), optionally of one workflow. */
export function listSchedules(db: Db, input: { orgId: string; after?: string; limit: number; workflowId?: string }): Promise<Schedule[]> {
  let query = db.selectFrom('schedules').selectAll().where('org_id', '=', input.orgId);
  if (input.workflowId !== undefined) query = query.where('workflow_id', '=', input.workflowId);
  if (input.after !== undefined) query = query.where('id', '<', input.after);
  return query.orderBy('id', 'desc').limit(input.limit).execute();
}

export function findSchedule(db: Db, orgId: string, id: string): Promise<Schedule | undefined> {
  return db.selectFrom('schedules').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
}

/**
 * The schedule, locked until the transaction ends: a change computed from it
 * (PATCH writes every column back) cannot overwrite what the scheduler
 * committed meanwhile, and the scheduler waits for the change.
 */
export function lockSchedule(db: Transaction<DB>, orgId: string, id: string): Promise<Schedule | undefined> {
  return db.selectFrom('schedules').selectAll().where('id', '=', id).where('org_id', '=', orgId).forUpdate().executeTakeFirst();
}

export function insertSchedule(db: Db, input: ScheduleFields & { orgId: string; createdBy: string }): Promise<Schedule> {
  const { orgId, createdBy, ...fields } = input;
  return db
    .insertInto('schedules')
    .values({ ...fields, org_id: orgId, created_by: createdBy })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateSchedule(db: Db, orgId: string, id: string, fields: ScheduleFields): Promise<Schedule | undefined> {
  return db.updateTable('schedules').set(fields).where('id', '=', id).where('org_id', '=', orgId).returningAll().executeTakeFirst();
}

/** Deletes a schedule (the table has no deleted_at); jobs it started keep their history with schedule_id NULL. */
export async function deleteSchedule(db: Db, orgId: string, id: string): Promise<boolean> {
  const deleted = await db.deleteFrom('schedules').where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
  return deleted.numDeletedRows > 0n;
}

/** Whether the org has this workflow and it is not deleted: what a schedule may run. */
export async function isLiveWorkflow(db: Db, orgId: string, workflowId: string): Promise<boolean> {
  const row = await db
    .selectFrom('workflows')
    .select('id')
    .where('id', '=', workflowId)
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}
