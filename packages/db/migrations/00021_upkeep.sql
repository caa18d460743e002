-- 00021_upkeep.sql
-- What the scheduler's upkeep needs beyond partitions and the usage view.
--
-- fenta_reset_ended_quota_periods()  zeroes the counters of every org whose
--   period ended (reset_at has passed) and moves reset_at to the first day of
--   the next month (UTC), as update_quota_usage() does when a usage record
--   arrives after reset_at. Without it an org that used nothing since the end
--   of its period would show last month's counters until its next record.
--   check_quota() already treats such counters as zero, so resetting them
--   changes what a reader sees, never what may run.
--
-- idx_webhook_deliveries_finished  finished deliveries by age, so pruning
--   them past their retention reads only the rows it removes.

CREATE OR REPLACE FUNCTION fenta_reset_ended_quota_periods(p_now timestamptz DEFAULT now())
RETURNS integer
LANGUAGE sql
AS $$
  WITH reset AS (
    UPDATE quota_limits
    SET tokens_used         = 0,
        render_seconds_used = 0,
        kai_credits_used    = 0,
        storage_bytes_used  = 0,
        overage_used_usd    = 0,
        reset_at            = (date_trunc('month', p_now AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC',
        updated_at          = p_now
    WHERE reset_at <= p_now
    RETURNING 1
  )
  SELECT count(*)::int FROM reset
$$;

COMMENT ON FUNCTION fenta_reset_ended_quota_periods(timestamptz) IS
  'Starts a new period for every quota whose reset_at has passed: counters and overage to zero, reset_at to the next first of the month (UTC). Returns how many.';

CREATE INDEX idx_webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE status <> 'pending';

-- The system's upkeep: no tenant role resets a period.
DO $$
DECLARE
  v_role text;
BEGIN
  REVOKE ALL ON FUNCTION fenta_reset_ended_quota_periods(timestamptz) FROM PUBLIC;
  FOREACH v_role IN ARRAY ARRAY['fenta_app', 'anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
      EXECUTE format('REVOKE ALL ON FUNCTION fenta_reset_ended_quota_periods(timestamptz) FROM %I', v_role);
    END IF;
  END LOOP;
END
$$;
