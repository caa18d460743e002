import type { Kysely } from 'kysely';
import type { Logger } from '@fenta/core';
import { readJobRunState, renewJobLease, type DB, type JobRunKey } from '@fenta/db';
import { JobStop } from './abort-reasons';

/**
 * While a run works: polls its job for a cancel request (any process may ask)
 * and for whether the run still holds it, and renews the lease a few times
 * per lease period. A cancel or a lost lease aborts `stopper` with its reason.
 * Database hiccups are logged and tried again at the next tick; the lease is
 * long enough to outlast a few.
 */
export function watchRun(options: { db: Kysely<DB>; run: JobRunKey; stopper: AbortController; pollMs: number; leaseMs: number; logger: Logger }): () => void {
  const { db, run, stopper, logger } = options;
  const renewEveryMs = Math.max(options.pollMs, Math.floor(options.leaseMs / 4));
  let lastRenewal = Date.now();
  let busy = false;
  const tick = async () => {
    if (busy || stopper.signal.aborted) return;
    busy = true;
    try {
      if (Date.now() - lastRenewal >= renewEveryMs) {
        if (!(await renewJobLease(db, run, options.leaseMs))) return stopper.abort(new JobStop('lease-lost'));
        lastRenewal = Date.now();
      }
      const state = await readJobRunState(db, run);
      if (!state.held) stopper.abort(new JobStop('lease-lost'));
      else if (state.cancelRequested) stopper.abort(new JobStop('cancelled'));
    } catch (error) {
      logger.warn({ err: error, jobId: run.jobId }, 'could not check the job run; trying again');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), options.pollMs);
  return () => clearInterval(timer);
}
