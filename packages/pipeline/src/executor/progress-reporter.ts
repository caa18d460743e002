import type { Kysely } from 'kysely';
import { updateJobProgress, type DB, type JobRunKey } from '@fenta/db';

// Each write of jobs.progress is a progress event for whoever follows the job (00014).
const writeEveryMs = 500;

/**
 * Reports progress as it rises (a node tried again from its start does not
 * take it back): to the caller at every rise, and to `jobs.progress` at most
 * twice a second, the latest value always landing at the end of the window.
 */
export function progressReporter(db: Kysely<DB>, run: JobRunKey, onProgress?: (percent: number) => void): (percent: number) => void {
  let last = -1;
  let lastWrite = 0;
  let trailing: NodeJS.Timeout | undefined;
  const write = () => {
    trailing = undefined;
    lastWrite = Date.now();
    // A missed progress write costs nothing: the next one, or the completion, corrects it.
    updateJobProgress(db, run, last).catch(() => undefined);
  };
  return (percent) => {
    if (percent <= last) return;
    last = percent;
    onProgress?.(percent);
    if (trailing) return;
    const wait = lastWrite + writeEveryMs - Date.now();
    if (wait <= 0) return write();
    // After the run has ended the write changes nothing (it is guarded by the run's token).
    trailing = setTimeout(write, wait);
    trailing.unref();
  };
}
