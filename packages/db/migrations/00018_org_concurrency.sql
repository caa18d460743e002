-- 00018_org_concurrency.sql
-- Fairness between orgs: how many of an org's jobs may run at once.
--
-- One busy org must not take every worker while other orgs' jobs wait. Each
-- plan has a number of jobs that may run at the same time; an org's settings
-- may lower or raise it (`settings.max_concurrent_jobs`, set by the system).
-- A worker that takes a job of an org already at its limit gives it back to
-- the queue for a moment and takes the next job, so the org waits and the
-- others do not.

CREATE OR REPLACE FUNCTION fenta_org_job_concurrency(p_org_id text)
RETURNS integer
LANGUAGE sql
STABLE
SET search_path = public, pg_temp
AS $$
  SELECT COALESCE(
    CASE WHEN jsonb_typeof(o.settings -> 'max_concurrent_jobs') = 'number'
         THEN GREATEST(1, (o.settings ->> 'max_concurrent_jobs')::numeric::integer) END,
    CASE o.plan WHEN 'free' THEN 1 WHEN 'starter' THEN 2 WHEN 'pro' THEN 4 WHEN 'enterprise' THEN 16 END,
    1)
  FROM orgs o
  WHERE o.id = p_org_id
$$;

COMMENT ON FUNCTION fenta_org_job_concurrency(text) IS
  'How many jobs of the org may run at once: settings.max_concurrent_jobs, else by plan (free 1, starter 2, pro 4, enterprise 16).';

-- The claim counts an org's running jobs by this index.
CREATE INDEX IF NOT EXISTS idx_jobs_org_processing ON jobs (org_id) WHERE status = 'processing';
