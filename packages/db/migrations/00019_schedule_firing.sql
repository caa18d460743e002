-- Firing schedules: what a schedule does about ticks it missed (the
-- scheduler was down longer than its grace period) and about a tick that
-- comes while its previous run is still going.
--
-- missed_runs  'run_last': after downtime, run the last missed tick once and
--              skip the others; 'skip': run none of them, wait for the next.
-- overlap      'skip': a tick that comes while a job of this schedule is
--              still queued or processing is skipped; 'allow': it runs too.
--
-- Either way what was skipped is logged and sent as a schedule.skipped
-- event. Ticks within the grace period are never missed: they run in order.

ALTER TABLE schedules
  ADD COLUMN missed_runs VARCHAR(20) NOT NULL DEFAULT 'run_last',
  ADD COLUMN overlap     VARCHAR(20) NOT NULL DEFAULT 'skip',
  ADD CONSTRAINT schedules_missed_runs_check CHECK (missed_runs IN ('run_last', 'skip')),
  ADD CONSTRAINT schedules_overlap_check CHECK (overlap IN ('skip', 'allow'));

COMMENT ON COLUMN schedules.missed_runs IS
  'After the scheduler was away past its grace period: run_last (run the last missed tick once) or skip (run none).';
COMMENT ON COLUMN schedules.overlap IS
  'A tick while a job of this schedule is still queued or processing: skip it, or allow it.';

-- The scheduler's question for each tick: does this schedule still have a job
-- running? (jobs(schedule_id, scheduled_for) is unique; this is its partial
-- companion for unfinished jobs.)
CREATE INDEX idx_jobs_schedule_unfinished ON jobs (schedule_id) WHERE schedule_id IS NOT NULL AND status IN ('queued', 'processing');
