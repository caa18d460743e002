import type { Kysely } from 'kysely';
import { insertJobLogs, type DB, type JobLogEntry } from '@fenta/db';
import type { Logger } from '@fenta/core';

/**
 * Batches job_logs inserts: a chatty node costs one insert per quarter
 * second, and operators still see its log while it runs. A failed insert is
 * reported in the process log, never fails the job.
 */
export class JobLogWriter {
  private pending: JobLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly logger: Logger,
    private readonly delayMs = 250,
  ) {}

  write(entry: JobLogEntry): void {
    this.pending.push(entry);
    this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Writes everything written so far; resolves when it is in the database. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.inFlight = this.inFlight.then(async () => {
      if (batch.length === 0) return;
      try {
        await insertJobLogs(this.db, batch);
      } catch (error) {
        this.logger.error({ err: error, lost: batch.length }, 'could not write job logs');
      }
    });
    return this.inFlight;
  }
}
