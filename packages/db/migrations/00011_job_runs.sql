-- 00011_job_runs.sql
-- One run per job, one render per job.
--
-- A BullMQ lock is not proof that only one worker runs a job: a worker whose
-- lock expired (a stalled event loop, a Redis blip) keeps running while the
-- queue hands the job to another. So a run leases its job in Postgres:
--   * claiming sets jobs.run_token to the run's own random token and
--     jobs.lease_expires_at a little ahead; a job is claimed only when it is
--     queued, or processing with a lease that has run out (its worker died);
--   * the run renews the lease while it works, and every checkpoint, every
--     node start and the completion are updates guarded by
--     run_token = <its token>: a run that lost its lease changes nothing and
--     stops;
--   * ending the run (completed, failed, cancelled, handed back) clears both.
-- renders gets UNIQUE (job_id): even a bug elsewhere cannot make two render
-- rows (and two render.succeeded deliveries) for one job.

ALTER TABLE jobs
  ADD COLUMN run_token        VARCHAR(64),
  ADD COLUMN lease_expires_at TIMESTAMPTZ;

COMMENT ON COLUMN jobs.run_token IS
  'Token of the run that holds the job while it is processing; every write of that run is guarded by it.';
COMMENT ON COLUMN jobs.lease_expires_at IS
  'Until when the run holding the job is presumed alive; a processing job past it may be claimed by another run.';

-- A database that already holds two renders rows for one job (what this
-- stops) keeps the newest of them: ids sort by creation time.
DELETE FROM renders r USING renders newer WHERE newer.job_id = r.job_id AND newer.id > r.id;

-- The unique index replaces the plain one on renders (job_id).
ALTER TABLE renders ADD CONSTRAINT renders_job_id_key UNIQUE (job_id);
DROP INDEX IF EXISTS idx_renders_job;

-- The reconciler pages through unfinished jobs by id (ids sort by creation time).
CREATE INDEX idx_jobs_unfinished ON jobs (id) WHERE status IN ('queued', 'processing');
