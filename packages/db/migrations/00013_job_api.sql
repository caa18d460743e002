-- 00013_job_api.sql
-- What the Jobs resource of the HTTP API needs of the database: quota
-- reserved when a job is created, idempotent job creation with the response
-- kept, retries that start from the checkpoints of the job they retry, a
-- queued job cancelled at once, and the indexes its lists page through.
--
-- Quota reservations. A job reserves what it is estimated to use (tokens,
-- KAI credits, render seconds: jobs.reserved_*) when it is created, so two
-- jobs cannot both be admitted into the same room. What a job still holds is
-- its reservation minus what it has used so far (jobs.cost_*, which grow with
-- each checkpoint in the transaction that records the usage), and only while
-- it is unfinished (queued or processing). Every way a job ends (completed,
-- failed, cancelled, from a run or at once) therefore settles its
-- reservation in the same statement that ends it: no path has to remember to
-- release anything, and no reservation outlives its job. Usage itself keeps
-- flowing into quota_limits.*_used through update_quota_usage() (00006).
--
-- fenta_reserve_job_quota() locks the org's quota_limits row first, so the
-- reservations of one org are made one at a time: each one sees every
-- reservation committed before it, and N concurrent jobs against room for M
-- admit exactly M. An org without a quota_limits row is not limited and
-- takes no lock.
--
-- System writes inside a tenant's transaction: the API runs a request's
-- queries as fenta_app (row-level security, the column privileges of 00009),
-- and what a tenant may not write (the reservation, the stored idempotent
-- response, a retry's copied checkpoints, a queued job's cancellation) goes
-- through the SECURITY DEFINER functions below, in the same transaction, so
-- the request's writes commit together or not at all. They may be executed
-- by fenta_app and the tables' owner only. Called by a tenant role, each one
-- checks the current user's right itself; called by the system (the worker,
-- the scheduler, the CLI, which connect as the owner and take no tenant
-- role), there is no user to check.

-- Tenant or system ----------------------------------------------------------

-- Whether the session has taken on a role row-level security applies to
-- (fenta_app; on Supabase anon and authenticated). A SECURITY DEFINER
-- function runs as its owner, but the `role` setting still names the role
-- the session took with SET ROLE.
CREATE OR REPLACE FUNCTION fenta_acting_as_tenant()
RETURNS boolean
LANGUAGE sql
STABLE
AS $$
  SELECT current_setting('role') IN ('fenta_app', 'anon', 'authenticated')
$$;

COMMENT ON FUNCTION fenta_acting_as_tenant() IS
  'Whether the session acts as a tenant role (fenta_app, anon, authenticated) rather than as the system.';

-- Whether the caller may run jobs in the org: the system always; a tenant
-- when the current user is an owner, admin or editor there and, when
-- p_created_by is given, the user who created the job in question (pass ''
-- for a job no user created: no tenant matches it).
CREATE OR REPLACE FUNCTION fenta_may_run_jobs(p_org_id text, p_created_by text DEFAULT NULL)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT NOT fenta_acting_as_tenant()
      OR (fenta_current_user_id() IS NOT NULL
          AND COALESCE(fenta_member_role(p_org_id) IN ('owner', 'admin', 'editor'), false)
          AND (p_created_by IS NULL OR p_created_by = fenta_current_user_id()))
$$;

COMMENT ON FUNCTION fenta_may_run_jobs(text, text) IS
  'Whether the system, or the current user as owner, admin or editor of the org (and creator of the job, when named), may run jobs there.';

-- Quota reservations --------------------------------------------------------

ALTER TABLE jobs
  ADD COLUMN reserved_tokens         BIGINT         NOT NULL DEFAULT 0,
  ADD COLUMN reserved_render_seconds DECIMAL(10, 2) NOT NULL DEFAULT 0,
  ADD COLUMN reserved_kai_credits    BIGINT         NOT NULL DEFAULT 0,
  ADD CONSTRAINT jobs_reserved_check
    CHECK (reserved_tokens >= 0 AND reserved_render_seconds >= 0 AND reserved_kai_credits >= 0);

COMMENT ON COLUMN jobs.reserved_tokens IS
  'LLM tokens the job was estimated to use when it was created; held against the quota, less cost_tokens, while it is unfinished.';
COMMENT ON COLUMN jobs.reserved_render_seconds IS
  'Render seconds the job was estimated to use; held, less cost_render_seconds, while it is unfinished.';
COMMENT ON COLUMN jobs.reserved_kai_credits IS
  'KAI credits the job was estimated to use; held, less cost_kai_credits, while it is unfinished.';

-- What the org's unfinished jobs still hold: for each, its reservation less
-- what it has used so far, never below zero. Read with the caller's rights
-- (a tenant sums its own org's jobs only).
CREATE OR REPLACE FUNCTION fenta_quota_reserved(p_org_id text)
RETURNS TABLE (tokens bigint, kai_credits bigint, render_seconds numeric)
LANGUAGE sql
STABLE
SET search_path = public, pg_temp
AS $$
  SELECT COALESCE(sum(GREATEST(j.reserved_tokens - j.cost_tokens, 0)), 0)::bigint,
         COALESCE(sum(GREATEST(j.reserved_kai_credits - j.cost_kai_credits, 0)), 0)::bigint,
         COALESCE(sum(GREATEST(j.reserved_render_seconds - j.cost_render_seconds, 0)), 0)::numeric(12, 2)
  FROM jobs j
  WHERE j.org_id = p_org_id AND j.status IN ('queued', 'processing')
$$;

COMMENT ON FUNCTION fenta_quota_reserved(text) IS
  'Tokens, KAI credits and render seconds the unfinished jobs of an org still hold (reservation less usage so far).';

-- The resources that cannot take p_* more, in the order tokens, kai_credits,
-- render_seconds, storage_bytes; NULL when everything fits, or when the org
-- allows overage and has not spent its cap (the rules of check_quota, 00010).
-- With p_count_reserved, what unfinished jobs still hold counts as used.
CREATE OR REPLACE FUNCTION fenta_quota_shortfall(
  p_org_id         text,
  p_tokens         bigint  DEFAULT 0,
  p_kai_credits    bigint  DEFAULT 0,
  p_render_seconds numeric DEFAULT 0,
  p_count_reserved boolean DEFAULT false
)
RETURNS text[]
LANGUAGE plpgsql
STABLE
SET search_path = public, pg_temp
AS $$
DECLARE
  q          quota_limits%ROWTYPE;
  v_tokens   numeric := 0;
  v_kai      numeric := 0;
  v_render   numeric := 0;
  v_short    text[]  := ARRAY[]::text[];
BEGIN
  SELECT * INTO q FROM quota_limits WHERE org_id = p_org_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF q.reset_at <= now() THEN
    q.tokens_used         := 0;
    q.render_seconds_used := 0;
    q.kai_credits_used    := 0;
    q.storage_bytes_used  := 0;
    q.overage_used_usd    := 0;
  END IF;
  IF p_count_reserved THEN
    SELECT r.tokens, r.kai_credits, r.render_seconds INTO v_tokens, v_kai, v_render FROM fenta_quota_reserved(p_org_id) r;
  END IF;

  IF q.tokens_limit IS NOT NULL AND q.tokens_used + v_tokens + COALESCE(p_tokens, 0) > q.tokens_limit THEN
    v_short := array_append(v_short, 'tokens');
  END IF;
  IF q.kai_credits_limit IS NOT NULL AND q.kai_credits_used + v_kai + COALESCE(p_kai_credits, 0) > q.kai_credits_limit THEN
    v_short := array_append(v_short, 'kai_credits');
  END IF;
  IF q.render_seconds_limit IS NOT NULL
     AND q.render_seconds_used + v_render + COALESCE(p_render_seconds, 0) > q.render_seconds_limit THEN
    v_short := array_append(v_short, 'render_seconds');
  END IF;
  IF q.storage_bytes_limit IS NOT NULL AND q.storage_bytes_used > q.storage_bytes_limit THEN
    v_short := array_append(v_short, 'storage_bytes');
  END IF;

  IF cardinality(v_short) = 0 THEN
    RETURN NULL;
  END IF;
  IF q.allow_overage AND (q.overage_cap_usd IS NULL OR q.overage_used_usd < q.overage_cap_usd) THEN
    RETURN NULL;
  END IF;
  RETURN v_short;
END
$$;

COMMENT ON FUNCTION fenta_quota_shortfall(text, bigint, bigint, numeric, boolean) IS
  'The quota resources an org has no room left in for that much more work (check_quota''s rules), NULL when it may go on.';

-- Reserves quota for a job just created: queued, with nothing reserved yet.
-- Locks the org's quota_limits row, then checks the org's room with every
-- committed reservation counted; returns the exhausted resources (nothing is
-- reserved) or NULL (the amounts are the job's reservation now). The caller
-- rolls its transaction back on a refusal, so a refused job never exists.
CREATE OR REPLACE FUNCTION fenta_reserve_job_quota(
  p_job_id         text,
  p_tokens         bigint,
  p_kai_credits    bigint,
  p_render_seconds numeric
)
RETURNS text[]
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  j       jobs%ROWTYPE;
  v_short text[];
BEGIN
  IF p_tokens IS NULL OR p_kai_credits IS NULL OR p_render_seconds IS NULL
     OR p_tokens < 0 OR p_kai_credits < 0 OR p_render_seconds < 0 THEN
    RAISE EXCEPTION 'fenta_reserve_job_quota: amounts must be zero or more'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT * INTO j FROM jobs WHERE id = p_job_id FOR UPDATE;
  IF NOT FOUND OR NOT fenta_may_run_jobs(j.org_id, COALESCE(j.created_by, '')) THEN
    RAISE EXCEPTION 'permission denied to reserve quota for job %', p_job_id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF j.status <> 'queued' OR j.reserved_tokens <> 0 OR j.reserved_kai_credits <> 0 OR j.reserved_render_seconds <> 0 THEN
    RAISE EXCEPTION 'fenta_reserve_job_quota: job % is not a new job (status %, or already reserved)', p_job_id, j.status
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;

  -- One org's reservations one at a time. Each statement of this function
  -- takes a fresh snapshot, so the check below, run once the lock is held,
  -- sees every reservation committed by whoever held it before.
  PERFORM 1 FROM quota_limits WHERE org_id = j.org_id FOR UPDATE;
  IF FOUND THEN
    v_short := fenta_quota_shortfall(j.org_id, p_tokens, p_kai_credits, p_render_seconds, true);
    IF v_short IS NOT NULL THEN
      RETURN v_short;
    END IF;
  END IF;

  UPDATE jobs
  SET reserved_tokens = p_tokens, reserved_kai_credits = p_kai_credits, reserved_render_seconds = p_render_seconds
  WHERE id = p_job_id;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION fenta_reserve_job_quota(text, bigint, bigint, numeric) IS
  'Reserves a new job''s estimated usage against its org''s quota, one reservation of the org at a time; returns the exhausted resources on refusal.';

-- Idempotent requests -------------------------------------------------------
-- A request made with an Idempotency-Key: the hash of what was asked
-- (method, path, body) and the response it got, so the same request with the
-- same key gets the same response and another request with it is refused.
-- Kept for at least 24 hours (expires_at); removing expired rows is upkeep.
-- Written by the system only (fenta_store_idempotent_response), read by the
-- system only.
CREATE TABLE idempotency_keys (
  id              VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('idem'),
  org_id          VARCHAR(255) NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  key             VARCHAR(255) NOT NULL,
  request_hash    VARCHAR(64)  NOT NULL,
  response_status INTEGER      NOT NULL,
  response_body   JSONB        NOT NULL,
  job_id          VARCHAR(255),
  expires_at      TIMESTAMPTZ  NOT NULL DEFAULT now() + interval '24 hours',
  created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT idempotency_keys_org_id_key_key UNIQUE (org_id, key),
  CONSTRAINT idempotency_keys_id_check CHECK (id ~ '^idem_[A-Za-z0-9_-]{1,100}$'),
  -- 1 to 255 printable ASCII characters, as the API accepts them.
  CONSTRAINT idempotency_keys_key_check CHECK (key ~ '^[ -~]{1,255}$'),
  CONSTRAINT idempotency_keys_request_hash_check CHECK (request_hash ~ '^[0-9a-f]{64}$'),
  CONSTRAINT idempotency_keys_job_id_org_id_fkey FOREIGN KEY (job_id, org_id)
    REFERENCES jobs (id, org_id) ON DELETE SET NULL (job_id)
);

COMMENT ON TABLE idempotency_keys IS
  'Requests made with an Idempotency-Key: what was asked (hash) and the response, replayed to the same request with the same key.';
COMMENT ON COLUMN idempotency_keys.request_hash IS 'SHA-256 (hex) of the method, path and canonical JSON body of the request.';
COMMENT ON COLUMN idempotency_keys.expires_at IS 'Kept at least until then; upkeep may remove the row afterwards.';

CREATE INDEX idx_idempotency_keys_expires_at ON idempotency_keys (expires_at);
CREATE INDEX idx_idempotency_keys_job ON idempotency_keys (job_id);

CREATE TRIGGER trg_idempotency_keys_updated_at
  BEFORE UPDATE ON idempotency_keys
  FOR EACH ROW EXECUTE FUNCTION fenta_set_updated_at();

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;

-- Stores the response of a request made with a key, unless the org already
-- has a row for that key (true when stored). A concurrent request with the
-- same key waits here until the first one's transaction ends, then finds its
-- row (false) or, if it rolled back, stores its own.
CREATE OR REPLACE FUNCTION fenta_store_idempotent_response(
  p_org_id       text,
  p_key          text,
  p_request_hash text,
  p_status       integer,
  p_body         jsonb,
  p_job_id       text
)
RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
BEGIN
  IF fenta_acting_as_tenant() AND (fenta_current_user_id() IS NULL OR fenta_member_role(p_org_id) IS NULL) THEN
    RAISE EXCEPTION 'permission denied to store a response for org %', p_org_id USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO idempotency_keys (org_id, key, request_hash, response_status, response_body, job_id)
  VALUES (p_org_id, p_key, p_request_hash, p_status, p_body, p_job_id)
  ON CONFLICT (org_id, key) DO NOTHING;
  RETURN FOUND;
END
$$;

COMMENT ON FUNCTION fenta_store_idempotent_response(text, text, text, integer, jsonb, text) IS
  'Keeps the response of a request made with an Idempotency-Key, unless the key already has one; true when stored.';

-- Retries -------------------------------------------------------------------
-- A retry is a new job whose parent is the failed or cancelled job it
-- retries. It starts from copies of the parent's completed checkpoints whose
-- node, params and upstream are unchanged (the caller works out which), so
-- the executor resumes after them and nothing paid for is paid for again.
-- A copy costs nothing, used nothing, and names the job that made the output
-- (whose stored artifacts it points at).

ALTER TABLE job_nodes
  ADD COLUMN reused_from_job_id VARCHAR(255),
  ADD CONSTRAINT job_nodes_reused_from_job_id_org_id_fkey FOREIGN KEY (reused_from_job_id, org_id)
    REFERENCES jobs (id, org_id) ON DELETE SET NULL (reused_from_job_id);

COMMENT ON COLUMN job_nodes.reused_from_job_id IS
  'For a checkpoint a retry copied: the job whose run produced the output (its artifacts are stored under that job).';

CREATE INDEX idx_job_nodes_reused_from ON job_nodes (reused_from_job_id);

-- Makes a new job the retry of p_parent_job_id (its parent_job_id) and copies
-- the parent's completed checkpoints of p_node_ids into it. The job must be
-- queued, not started, without checkpoints or parent, and created by the
-- current user; the parent must be of the same org and failed or cancelled.
-- Returns how many checkpoints were copied.
CREATE OR REPLACE FUNCTION fenta_reuse_job_checkpoints(p_job_id text, p_parent_job_id text, p_node_ids text[])
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  j       jobs%ROWTYPE;
  p       jobs%ROWTYPE;
  v_count integer;
BEGIN
  SELECT * INTO j FROM jobs WHERE id = p_job_id FOR UPDATE;
  IF NOT FOUND OR NOT fenta_may_run_jobs(j.org_id, COALESCE(j.created_by, '')) THEN
    RAISE EXCEPTION 'permission denied to make job % a retry', p_job_id USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- Another org's job is as unknown as a missing one.
  SELECT * INTO p FROM jobs WHERE id = p_parent_job_id AND org_id = j.org_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'permission denied to make job % a retry', p_job_id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF p.status NOT IN ('failed', 'cancelled') THEN
    RAISE EXCEPTION 'fenta_reuse_job_checkpoints: job % is %, only failed or cancelled jobs are retried', p.id, p.status
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF j.status <> 'queued' OR j.started_at IS NOT NULL OR j.parent_job_id IS NOT NULL
     OR EXISTS (SELECT 1 FROM job_nodes n WHERE n.job_id = j.id) THEN
    RAISE EXCEPTION 'fenta_reuse_job_checkpoints: job % is not a new job', j.id
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;

  UPDATE jobs SET parent_job_id = p.id WHERE id = j.id;
  INSERT INTO job_nodes (job_id, org_id, node_id, node_type, status, attempt, output, started_at, completed_at,
                         duration_ms, cost_usd, usage, reused_from_job_id)
  SELECT j.id, j.org_id, n.node_id, n.node_type, 'completed', 0, n.output, now(), now(),
         0, 0, '[]'::jsonb, COALESCE(n.reused_from_job_id, p.id)
  FROM job_nodes n
  WHERE n.job_id = p.id AND n.org_id = p.org_id AND n.status = 'completed' AND n.node_id = ANY (COALESCE(p_node_ids, ARRAY[]::text[]));
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$$;

COMMENT ON FUNCTION fenta_reuse_job_checkpoints(text, text, text[]) IS
  'Makes a new job the retry of a failed or cancelled one and copies the named completed checkpoints of the parent into it.';

-- Cancelling ----------------------------------------------------------------

-- Cancels a job that was asked to stop (cancel_requested_at, which tenants
-- set themselves under jobs_update_cancel) while no run holds it (queued):
-- nothing will notice the request until a worker takes the job, so it ends
-- now. True when it did; false when the job is not queued any more (a run
-- took it and stops at its next check).
CREATE OR REPLACE FUNCTION fenta_cancel_unclaimed_job(p_job_id text)
RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  v_org text;
BEGIN
  SELECT org_id INTO v_org FROM jobs WHERE id = p_job_id;
  IF NOT FOUND OR NOT fenta_may_run_jobs(v_org) THEN
    RAISE EXCEPTION 'permission denied to cancel job %', p_job_id USING ERRCODE = 'insufficient_privilege';
  END IF;
  UPDATE jobs
  SET status = 'cancelled',
      completed_at = now(),
      run_token = NULL,
      lease_expires_at = NULL,
      error = jsonb_build_object('code', 'JOB_CANCELLED', 'message', format('Job %s was cancelled', p_job_id))
  WHERE id = p_job_id AND status = 'queued' AND cancel_requested_at IS NOT NULL;
  RETURN FOUND;
END
$$;

COMMENT ON FUNCTION fenta_cancel_unclaimed_job(text) IS
  'Ends a queued job that was asked to stop: cancelled at once, since no run holds it.';

-- Lists ---------------------------------------------------------------------
-- An org's jobs newest first, and a job's log oldest first, both paged by id.
CREATE INDEX idx_jobs_org_id_id ON jobs (org_id, id);
CREATE INDEX idx_job_logs_job_id_id ON job_logs (job_id, id);

-- Privileges ----------------------------------------------------------------
-- The functions above run as their owner: only fenta_app (and the owner)
-- may call them. idempotency_keys is the system's alone. On Supabase, anon
-- and authenticated receive every privilege on new tables and functions by
-- default; both are closed here.
DO $$
DECLARE
  v_role text;
  v_function text;
BEGIN
  FOREACH v_function IN ARRAY ARRAY[
    'fenta_acting_as_tenant()',
    'fenta_may_run_jobs(text, text)',
    'fenta_quota_reserved(text)',
    'fenta_quota_shortfall(text, bigint, bigint, numeric, boolean)',
    'fenta_reserve_job_quota(text, bigint, bigint, numeric)',
    'fenta_store_idempotent_response(text, text, text, integer, jsonb, text)',
    'fenta_reuse_job_checkpoints(text, text, text[])',
    'fenta_cancel_unclaimed_job(text)'
  ] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_function);
    FOREACH v_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM %I', v_function, v_role);
      END IF;
    END LOOP;
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO fenta_app', v_function);
  END LOOP;

  FOREACH v_role IN ARRAY ARRAY['fenta_app', 'anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
      EXECUTE format('REVOKE ALL ON idempotency_keys FROM %I', v_role);
    END IF;
  END LOOP;
END
$$;
