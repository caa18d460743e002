import type { Kysely } from 'kysely';
import { updateJobProgress, type DB, type JobRunKey } from '@fenta/db';

/** Reports progress to the caller at every change, and to `jobs.progress` at most twice a second. */
export function progressReporter(db: Kysely<DB>, run: JobRunKey, onProgress?: (percent: number) => void): (percent: number) => void {
  let last = -1;
  let lastWrite = 0;
  return (percent) => {
    if (percent === last) return;
    last = percent;
    onProgress?.(percent);
    const now = Date.now();
    if (now - lastWrite < 500) return;
    lastWrite = now;
    // A missed progress write costs nothing: the next one, or the completion, corrects it.
    updateJobProgress(db, run, percent).catch(() => undefined);
  };
}
