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
