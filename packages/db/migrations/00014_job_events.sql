-- 00014_job_events.sql
-- What a client following a job reads, and where a render's files are.
--
-- job_events: the history of a job as a client follows it (GET
-- /v1/jobs/:id/events): job.started, progress, node.started, node.finished,
-- node.failed, job.requeued, job.completed, job.failed, job.cancelled.
-- Events are written by triggers on jobs and job_nodes, so every writer of a
-- job's state (the executor, the lifecycle functions, a cancel of a queued
-- job, code not written yet) records its event in the same transaction as
-- the change itself: an event is never lost, and never told of a change that
-- rolled back.
--
-- Each event has `seq`, its number within its job: 1, 2, 3, … with no gap.
-- Whoever appends an event holds the job's row lock until it commits (the
-- update of jobs that fires the trigger, or the lock the job_nodes trigger
-- takes), so the next event of the job is numbered after this one commits:
-- a reader that has seen event n has seen every event before it, and a
-- client resuming after n (SSE Last-Event-ID) misses nothing and repeats
-- nothing.
--
-- Progress events are written only when jobs.progress goes up, so they are
-- monotonic whatever order the progress updates land in; the executor
-- updates it at most twice a second.
--
-- Every event is announced with NOTIFY fenta_job_events '<job id>' (sent at
-- commit, so the event is readable when the notification arrives), which
-- lets the API wake the streams of that job without polling.
--
-- renders: the storage keys of the thumbnail and the captions beside the
-- video's, so the API serves every file of a render by its id; the URLs in
-- renders and jobs.result are the API's download routes from now on, never
-- storage paths. Every storage key of a render lies under its job's org.

-- job_events ------------------------------------------------------------------
CREATE TABLE job_events (
  id         VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('event')
             CONSTRAINT job_events_id_check CHECK (id ~ '^event_[A-Za-z0-9_-]{1,100}$'),
  job_id     VARCHAR(255) NOT NULL,
  org_id     VARCHAR(255) NOT NULL,
  seq        INTEGER      NOT NULL CONSTRAINT job_events_seq_check CHECK (seq > 0),
  type       VARCHAR(50)  NOT NULL
             CONSTRAINT job_events_type_check CHECK (type IN (
               'job.started', 'progress', 'node.started', 'node.finished', 'node.failed',
               'job.requeued', 'job.completed', 'job.failed', 'job.cancelled')),
  data       JSONB        NOT NULL DEFAULT '{}',
  created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT job_events_job_id_seq_key UNIQUE (job_id, seq),
  CONSTRAINT job_events_job_id_org_id_fkey FOREIGN KEY (job_id, org_id)
    REFERENCES jobs (id, org_id) ON DELETE CASCADE
);

COMMENT ON TABLE job_events IS
  'What happened to a job, in order: written by triggers on jobs and job_nodes in the transaction of the change.';
COMMENT ON COLUMN job_events.seq IS
  'The event''s number within its job, from 1 with no gap, in commit order: the SSE event id.';

CREATE TRIGGER trg_job_events_updated_at BEFORE UPDATE ON job_events
  FOR EACH ROW EXECUTE FUNCTION fenta_set_updated_at();

-- Members read their org's events; only the system writes them.
ALTER TABLE job_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY job_events_select_member ON job_events
  FOR SELECT USING (org_id IN (SELECT fenta_member_org_ids()));

DO $$
DECLARE
  v_role text;
BEGIN
  FOREACH v_role IN ARRAY ARRAY['fenta_app', 'anon', 'authenticated'] LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role);
    -- On Supabase both API roles get every privilege on a new table by default.
    EXECUTE format('REVOKE ALL ON job_events FROM %I', v_role);
    EXECUTE format('GRANT SELECT ON job_events TO %I', v_role);
  END LOOP;
END
$$;

-- Appends one event to a job's history and announces it. The job's row is
-- locked first (already held when an update of jobs fires this), so the
-- events of one job are numbered one at a time in commit order.
CREATE OR REPLACE FUNCTION fenta_append_job_event(p_job_id text, p_org_id text, p_type text, p_data jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
DECLARE
  v_seq integer;
BEGIN
  PERFORM 1 FROM jobs WHERE id = p_job_id FOR NO KEY UPDATE;
  SELECT coalesce(max(seq), 0) + 1 INTO v_seq FROM job_events WHERE job_id = p_job_id;
  INSERT INTO job_events (job_id, org_id, seq, type, data) VALUES (p_job_id, p_org_id, v_seq, p_type, p_data);
  PERFORM pg_notify('fenta_job_events', p_job_id);
END
$$;

COMMENT ON FUNCTION fenta_append_job_event(text, text, text, jsonb) IS
  'Appends the next event of a job (seq = last + 1, under the job''s row lock) and notifies fenta_job_events.';

REVOKE ALL ON FUNCTION fenta_append_job_event(text, text, text, jsonb) FROM PUBLIC;
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
    REVOKE ALL ON FUNCTION fenta_append_job_event(text, text, text, jsonb) FROM anon;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    REVOKE ALL ON FUNCTION fenta_append_job_event(text, text, text, jsonb) FROM authenticated;
  END IF;
  REVOKE ALL ON FUNCTION fenta_append_job_event(text, text, text, jsonb) FROM fenta_app;
END
$$;

-- A job's own changes: a run took it, its progress went up, it ended or went
-- back to the queue. The lease renewals and cost updates of a run say nothing.
CREATE OR REPLACE FUNCTION fenta_record_job_events()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
BEGIN
  IF NEW.status = 'processing' AND NEW.run_token IS NOT NULL AND NEW.run_token IS DISTINCT FROM OLD.run_token THEN
    PERFORM fenta_append_job_event(NEW.id, NEW.org_id, 'job.started',
      jsonb_build_object('status', NEW.status, 'retry_count', NEW.retry_count));
  END IF;
  IF NEW.progress > OLD.progress THEN
    PERFORM fenta_append_job_event(NEW.id, NEW.org_id, 'progress', jsonb_build_object('progress', NEW.progress));
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status THEN
    IF NEW.status = 'completed' THEN
      PERFORM fenta_append_job_event(NEW.id, NEW.org_id, 'job.completed',
        jsonb_build_object('status', NEW.status, 'result', NEW.result));
    ELSIF NEW.status IN ('failed', 'cancelled') THEN
      PERFORM fenta_append_job_event(NEW.id, NEW.org_id, 'job.' || NEW.status,
        jsonb_build_object('status', NEW.status, 'error', NEW.error));
    ELSIF NEW.status = 'queued' AND OLD.status = 'processing' THEN
      PERFORM fenta_append_job_event(NEW.id, NEW.org_id, 'job.requeued',
        jsonb_build_object('status', NEW.status, 'retry_count', NEW.retry_count, 'error', NEW.error));
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER trg_jobs_events AFTER UPDATE ON jobs
  FOR EACH ROW EXECUTE FUNCTION fenta_record_job_events();

-- A node of a job started (each try of a run counts: the attempt goes up),
-- finished with its checkpoint, or failed.
CREATE OR REPLACE FUNCTION fenta_record_job_node_events()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
DECLARE
  v_changed boolean := TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status;
BEGIN
  IF NEW.status = 'running' AND (v_changed OR NEW.attempt IS DISTINCT FROM OLD.attempt) THEN
    PERFORM fenta_append_job_event(NEW.job_id, NEW.org_id, 'node.started',
      jsonb_build_object('node_id', NEW.node_id, 'node_type', NEW.node_type, 'attempt', NEW.attempt));
  ELSIF NEW.status = 'completed' AND v_changed THEN
    PERFORM fenta_append_job_event(NEW.job_id, NEW.org_id, 'node.finished',
      jsonb_build_object('node_id', NEW.node_id, 'node_type', NEW.node_type, 'attempt', NEW.attempt,
                         'duration_ms', NEW.duration_ms, 'cost_usd', NEW.cost_usd));
  ELSIF NEW.status = 'failed' AND v_changed THEN
    PERFORM fenta_append_job_event(NEW.job_id, NEW.org_id, 'node.failed',
      jsonb_build_object('node_id', NEW.node_id, 'node_type', NEW.node_type, 'attempt', NEW.attempt,
                         'duration_ms', NEW.duration_ms, 'error', NEW.error));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER trg_job_nodes_events AFTER INSERT OR UPDATE ON job_nodes
  FOR EACH ROW EXECUTE FUNCTION fenta_record_job_node_events();

-- renders ---------------------------------------------------------------------
ALTER TABLE renders
  ADD COLUMN thumbnail_storage_path TEXT,
  ADD COLUMN srt_storage_path       TEXT;

COMMENT ON COLUMN renders.video_url IS 'The API''s download route of the video: <FENTA_PUBLIC_URL>/v1/renders/<id>/video.';
COMMENT ON COLUMN renders.video_storage_path IS 'Storage key of the video, under orgs/<the job''s org>/.';
COMMENT ON COLUMN renders.thumbnail_storage_path IS 'Storage key of the JPEG thumbnail, under orgs/<the job''s org>/.';
COMMENT ON COLUMN renders.srt_storage_path IS 'Storage key of the SRT captions, under orgs/<the job''s org>/.';
COMMENT ON COLUMN jobs.result IS
  '{"render_id", "video_url", "thumbnail_url", "srt_url", "vtt_url", "duration"}: the API''s download routes of the render.';

-- Renders made before this migration kept these keys in jobs.result only.
UPDATE renders r
SET thumbnail_storage_path = CASE WHEN fenta_is_org_storage_key(j.org_id, j.result ->> 'thumbnail_key') THEN j.result ->> 'thumbnail_key' END,
    srt_storage_path       = CASE WHEN fenta_is_org_storage_key(j.org_id, j.result ->> 'srt_key') THEN j.result ->> 'srt_key' END
FROM jobs j
WHERE j.id = r.job_id AND jsonb_typeof(j.result) = 'object';

-- The API opens these keys for whoever may read the render: each must lie
-- under the render's job's org. Checked on new and changed rows; as with
-- asset_versions (00010), after row-level security has had its say.
CREATE OR REPLACE FUNCTION fenta_check_render_storage_paths()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
DECLARE
  v_org text := (SELECT j.org_id FROM jobs j WHERE j.id = NEW.job_id);
  v_key text;
BEGIN
  FOREACH v_key IN ARRAY ARRAY[NEW.video_storage_path, NEW.thumbnail_storage_path, NEW.srt_storage_path] LOOP
    IF v_key IS NOT NULL AND NOT fenta_is_org_storage_key(v_org, v_key) THEN
      RAISE EXCEPTION 'new row for relation "renders" violates check constraint "renders_storage_path_check"'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'renders_storage_path_check', TABLE = 'renders',
              DETAIL = format('Storage key %s is not under orgs/<the org of job %s>/.', v_key, NEW.job_id);
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER renders_storage_path_check
  AFTER INSERT OR UPDATE OF job_id, video_storage_path, thumbnail_storage_path, srt_storage_path ON renders
  FOR EACH ROW EXECUTE FUNCTION fenta_check_render_storage_paths();
