import type { Kysely, Transaction } from 'kysely';
import type { DB, JobLog } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

export type JobLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface JobLogEntry {
  jobId: string;
  level: JobLogLevel;
  stage: string | null;
  message: string;
  data?: Record<string, unknown>;
}

export async function insertJobLogs(db: Db, entries: JobLogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('job_logs')
    .values(
      entries.map((entry) => ({
        job_id: entry.jobId,
        level: entry.level,
        stage: entry.stage,
        message: entry.message,
        data: entry.data ? JSON.stringify(entry.data) : null,
      })),
    )
    .execute();
}

/** A job's log in order (ids are time-ordered). */
export async function listJobLogs(db: Db, jobId: string): Promise<JobLog[]> {
  return db.selectFrom('job_logs').selectAll().where('job_id', '=', jobId).orderBy('id').execute();
}

/** A page of a job's log, oldest first, after the line `after` (log ids sort by creation). */
export async function pageJobLogs(db: Db, jobId: string, page: { after?: string; limit: number }): Promise<JobLog[]> {
  let query = db.selectFrom('job_logs').selectAll().where('job_id', '=', jobId);
  if (page.after !== undefined) query = query.where('id', '>', page.after);
  return query.orderBy('id').limit(page.limit).execute();
}
