-- 00023_render_profiles.sql
-- One job, several renders: a fast preview first, then one render per
-- output profile the job asked for (9:16, 1:1 and 16:9 of the same
-- timeline, say), each with its own files.
--
-- renders.profile  the output profile the render was made for
--   (`9x16_1080p`, `preview`, …). Rows made before this migration take it
--   from metadata.profile, where it was kept, or the default profile.
--   UNIQUE (job_id, profile) replaces UNIQUE (job_id) (00011): still at most
--   one render of each profile per job, whatever retries or crashes happen,
--   so no output is recorded (or announced) twice.
--
-- job_events gains `render.preview_ready`: written by a trigger when a
-- job's preview render is recorded, in the transaction of the insert, so a
-- client following the job (GET /v1/jobs/:id/events) reads it in order
-- before the job's end. The render.preview_ready webhook is queued by the
-- code that records the preview, as render.succeeded is.

-- renders ---------------------------------------------------------------------
ALTER TABLE renders ADD COLUMN profile VARCHAR(50);

UPDATE renders SET profile = coalesce(nullif(metadata ->> 'profile', ''), '9x16_1080p');

ALTER TABLE renders
  ALTER COLUMN profile SET DEFAULT '9x16_1080p',
  ALTER COLUMN profile SET NOT NULL,
  ADD CONSTRAINT renders_profile_check CHECK (profile ~ '^[a-z0-9_]{1,50}$'),
  ADD CONSTRAINT renders_job_id_profile_key UNIQUE (job_id, profile);

-- Its index serves lookups by job too (job_id leads), as the old one did.
ALTER TABLE renders DROP CONSTRAINT renders_job_id_key;

COMMENT ON COLUMN renders.profile IS
  'The output profile the render was made for (9x16_1080p, preview, …): one render per profile per job.';

-- job_events ------------------------------------------------------------------
ALTER TABLE job_events DROP CONSTRAINT job_events_type_check;
ALTER TABLE job_events ADD CONSTRAINT job_events_type_check CHECK (type IN (
  'job.started', 'progress', 'node.started', 'node.finished', 'node.failed',
  'job.requeued', 'job.completed', 'job.failed', 'job.cancelled', 'render.preview_ready'));

-- The preview of a job was recorded: its event, with what a client needs to
-- show it (the URLs are the API's download routes, as in the row).
CREATE OR REPLACE FUNCTION fenta_record_render_events()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
BEGIN
  PERFORM fenta_append_job_event(NEW.job_id, (SELECT j.org_id FROM jobs j WHERE j.id = NEW.job_id), 'render.preview_ready',
    jsonb_build_object('render_id', NEW.id, 'profile', NEW.profile, 'video_url', NEW.video_url,
                       'thumbnail_url', NEW.thumbnail_url, 'srt_url', NEW.srt_url,
                       'duration', NEW.duration_seconds, 'resolution', NEW.resolution));
  RETURN NULL;
END
$$;

CREATE TRIGGER trg_renders_events AFTER INSERT ON renders
  FOR EACH ROW WHEN (NEW.profile = 'preview') EXECUTE FUNCTION fenta_record_render_events();
