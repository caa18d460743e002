-- 00022_speech_usage.sql
-- Speech is paid for in units of its own, so it gets resource types of its
-- own in usage_records:
--
--   tts_characters         characters of text sent to a speech synthesizer
--                          (tts_characters, tts_model);
--   transcription_minutes  minutes of audio sent to a transcriber
--                          (transcription_minutes, transcription_model).
--
-- Both are priced in USD (cost_usd) and so count toward a job's
-- cost_total_usd and the day's total_cost_usd. Neither has a quota counter:
-- update_quota_usage() (00006) adds no amount for a resource type it has no
-- counter for, so such a record moves no *_used counter and adds no overage
-- (overage is the cost beyond a limit, and these have none). check_quota()
-- and fenta_quota_shortfall() ask about tokens, KAI credits, render seconds
-- and storage only, and are unchanged.
--
-- mv_daily_usage gains total_tts_characters and total_transcription_minutes.

-- usage_records ---------------------------------------------------------------
-- Columns added to the partitioned table are added to every partition.
ALTER TABLE usage_records
  ADD COLUMN tts_characters        INTEGER,
  ADD COLUMN tts_model             VARCHAR(100),
  ADD COLUMN transcription_minutes DECIMAL(10, 4),
  ADD COLUMN transcription_model   VARCHAR(100);

COMMENT ON COLUMN usage_records.tts_characters IS 'Characters of text sent to the speech synthesizer (resource_type tts_characters).';
COMMENT ON COLUMN usage_records.transcription_minutes IS 'Minutes of audio sent to the transcriber (resource_type transcription_minutes).';

-- The constraint is made on the partitioned table: PostgreSQL adds it to
-- every partition, present and future, and dropping it there drops it from
-- every partition too. A partition attached after being built standalone
-- (fenta_create_month_partition() in 00006, when it moves rows out of the
-- default partition, or one made by hand) holds it as inherited as well,
-- since attaching merges the partition's copy into the table's.
ALTER TABLE usage_records DROP CONSTRAINT usage_records_resource_type_check;

ALTER TABLE usage_records
  ADD CONSTRAINT usage_records_resource_type_check
  CHECK (resource_type IN ('llm_tokens', 'kai_credits', 'render_seconds', 'storage', 'tts_characters', 'transcription_minutes'));

-- mv_daily_usage ----------------------------------------------------------------
-- A materialized view's columns cannot be added to: it is made again, with
-- its unique index (REFRESH ... CONCURRENTLY needs it) and with no privilege
-- for the tenant roles, as 00007 and 00009 left the one it replaces.
DROP MATERIALIZED VIEW mv_daily_usage;

CREATE MATERIALIZED VIEW mv_daily_usage AS
SELECT
  org_id,
  (created_at AT TIME ZONE 'UTC')::date AS date,
  COALESCE(SUM(CASE WHEN resource_type = 'llm_tokens'
                    THEN COALESCE(llm_tokens_prompt, 0) + COALESCE(llm_tokens_output, 0)
                    ELSE 0 END), 0) AS total_tokens,
  COALESCE(SUM(CASE WHEN resource_type = 'kai_credits' THEN COALESCE(kai_credits, 0) ELSE 0 END), 0)
    AS total_kai_credits,
  COALESCE(SUM(CASE WHEN resource_type = 'render_seconds' THEN COALESCE(render_seconds, 0) ELSE 0 END), 0)
    AS total_render_seconds,
  COALESCE(SUM(cost_usd), 0) AS total_cost_usd,
  COALESCE(SUM(CASE WHEN resource_type = 'tts_characters' THEN COALESCE(tts_characters, 0) ELSE 0 END), 0)
    AS total_tts_characters,
  COALESCE(SUM(CASE WHEN resource_type = 'transcription_minutes' THEN COALESCE(transcription_minutes, 0) ELSE 0 END), 0)
    AS total_transcription_minutes
FROM usage_records
GROUP BY org_id, (created_at AT TIME ZONE 'UTC')::date;

CREATE UNIQUE INDEX idx_mv_daily_usage ON mv_daily_usage (org_id, date);

COMMENT ON MATERIALIZED VIEW mv_daily_usage IS 'Usage per org and UTC day, from usage_records.';

DO $$
DECLARE
  v_role text;
BEGIN
  FOREACH v_role IN ARRAY ARRAY['fenta_app', 'anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
      EXECUTE format('REVOKE ALL ON mv_daily_usage FROM %I', v_role);
    END IF;
  END LOOP;
END
$$;
