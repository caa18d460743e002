-- 00006_functions.sql
-- Functions, triggers and the usage view:
--   fenta_create_month_partition(parent, month)  one monthly partition
--   fenta_ensure_partitions(months_ahead)        this month and the next ones
--   update_quota_usage()                         usage_records -> quota_limits
--   check_quota(org, tokens, kai, render)        may this org start more work?
--   updated_at triggers on every table that has updated_at
--   mv_daily_usage                               usage per org and UTC day
--
-- Monthly partitions must exist before their month starts: run
-- SELECT fenta_ensure_partitions(); at least once a month (the scheduler does;
-- on Supabase pg_cron can). Rows of a month without a partition go to the
-- DEFAULT partition and are moved out when that month's partition is made.

-- Partitions -----------------------------------------------------------------

-- Creates the partition of `parent` for the UTC calendar month holding
-- `month`, named <parent>_YYYY_MM, covering [first day, first day of next
-- month). Does nothing when it exists. Rows of that month already sitting in
-- the DEFAULT partition are moved into the new partition. Returns the
-- partition's name.
CREATE OR REPLACE FUNCTION fenta_create_month_partition(parent regclass, month date)
RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
  v_schema   text;
  v_table    text;
  v_start    date := date_trunc('month', month)::date;
  v_end      date := (date_trunc('month', month) + interval '1 month')::date;
  v_name     text;
  v_from     timestamptz;
  v_to       timestamptz;
  v_from_lit text;
  v_to_lit   text;
  v_default  regclass;
  v_columns  text;
  v_existing regclass;
  v_has_rows boolean;
BEGIN
  IF month IS NULL THEN
    RAISE EXCEPTION 'fenta_create_month_partition: month must not be NULL';
  END IF;

  SELECT n.nspname, c.relname INTO v_schema, v_table
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid = parent;

  SELECT NULLIF(pt.partdefid, 0)::regclass INTO v_default
  FROM pg_partitioned_table pt
  WHERE pt.partrelid = parent AND pt.partstrat = 'r';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'fenta_create_month_partition: % is not partitioned by range', parent;
  END IF;

  v_name := v_table || '_' || to_char(v_start, 'YYYY_MM');
  -- Bounds are UTC midnights whatever the session's TimeZone is.
  v_from_lit := to_char(v_start, 'YYYY-MM-DD') || ' 00:00:00+00';
  v_to_lit   := to_char(v_end, 'YYYY-MM-DD') || ' 00:00:00+00';
  v_from     := v_from_lit::timestamptz;
  v_to       := v_to_lit::timestamptz;

  v_existing := to_regclass(format('%I.%I', v_schema, v_name));
  IF v_existing IS NULL THEN
    -- Block inserts until the partition is in place, so none lands in the
    -- default partition between the check below and the attach. Then look
    -- again: another session may have made it while this one waited.
    EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', parent);
    v_existing := to_regclass(format('%I.%I', v_schema, v_name));
  END IF;
  IF v_existing IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = v_existing AND inhparent = parent) THEN
      RAISE EXCEPTION 'fenta_create_month_partition: % exists but is not a partition of %', v_existing, parent;
    END IF;
    RETURN v_name;
  END IF;

  v_has_rows := false;
  IF v_default IS NOT NULL THEN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE created_at >= $1 AND created_at < $2)', v_default)
      INTO v_has_rows USING v_from, v_to;
  END IF;

  IF v_has_rows THEN
    -- Attaching a range the default partition holds rows of would fail, so
    -- build the partition standalone, move the rows, then attach it.
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO v_columns
    FROM pg_attribute a
    WHERE a.attrelid = parent AND a.attnum > 0 AND NOT a.attisdropped;

    EXECUTE format('CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                   v_schema, v_name, parent);
    EXECUTE format(
      'WITH moved AS (DELETE FROM %s WHERE created_at >= $1 AND created_at < $2 RETURNING %s) '
      'INSERT INTO %I.%I (%s) SELECT %s FROM moved',
      v_default, v_columns, v_schema, v_name, v_columns, v_columns)
      USING v_from, v_to;
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)',
                   parent, v_schema, v_name, v_from_lit, v_to_lit);
  ELSE
    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                   v_schema, v_name, parent, v_from_lit, v_to_lit);
  END IF;

  -- Row-level security applies to the parent's policies when a partition is
  -- read through its parent. Read directly, a partition would have none:
  -- enabling RLS without policies shuts that door for every role but the owner.
  EXECUTE format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', v_schema, v_name);

  RETURN v_name;
END
$$;

COMMENT ON FUNCTION fenta_create_month_partition(regclass, date) IS
  'Creates <parent>_YYYY_MM for the UTC month of `month` if missing, moving its rows out of the default partition.';

-- Makes the partitions of usage_records and audit_logs for the current UTC
-- month and the `months_ahead` months after it. Safe to run any time.
-- Returns the names of the partitions it made sure of.
CREATE OR REPLACE FUNCTION fenta_ensure_partitions(months_ahead int DEFAULT 3)
RETURNS SETOF text
LANGUAGE plpgsql
AS $$
DECLARE
  v_this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  v_parent     regclass;
  v_offset     int;
BEGIN
  IF months_ahead IS NULL OR months_ahead < 0 THEN
    RAISE EXCEPTION 'fenta_ensure_partitions: months_ahead must be 0 or more, got %', months_ahead;
  END IF;
  FOREACH v_parent IN ARRAY ARRAY['usage_records'::regclass, 'audit_logs'::regclass] LOOP
    FOR v_offset IN 0 .. months_ahead LOOP
      RETURN NEXT fenta_create_month_partition(v_parent, (v_this_month + make_interval(months => v_offset))::date);
    END LOOP;
  END LOOP;
END
$$;

COMMENT ON FUNCTION fenta_ensure_partitions(int) IS
  'Creates the monthly partitions of usage_records and audit_logs for this month and the next months_ahead months.';

-- Quotas -------------------------------------------------------------------

-- AFTER INSERT on usage_records: adds the record to its org's counters in
-- quota_limits. When the record comes after reset_at, the period is over:
-- the counters and overage_used_usd start again from zero and reset_at moves
-- to the first day of the month after the record (UTC). When the record takes
-- a resource past its limit, the share of its cost for the amount beyond the
-- limit is added to overage_used_usd (limit 100, used 90, a record of 20
-- costing $2 -> $1). An org without a quota_limits row is not tracked.
-- SECURITY DEFINER: whoever may write usage keeps the counters right.
CREATE OR REPLACE FUNCTION update_quota_usage()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  q         quota_limits%ROWTYPE;
  v_amount  numeric := 0;
  v_used    numeric := 0;
  v_limit   numeric;
  v_over    numeric;
  v_overage numeric := 0;
BEGIN
  SELECT * INTO q FROM quota_limits WHERE org_id = NEW.org_id FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;

  IF q.reset_at <= NEW.created_at THEN
    q.tokens_used         := 0;
    q.render_seconds_used := 0;
    q.kai_credits_used    := 0;
    q.storage_bytes_used  := 0;
    q.overage_used_usd    := 0;
    q.reset_at := (date_trunc('month', NEW.created_at AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
  END IF;

  CASE NEW.resource_type
    WHEN 'llm_tokens' THEN
      v_amount := COALESCE(NEW.llm_tokens_prompt, 0) + COALESCE(NEW.llm_tokens_output, 0);
      v_used   := q.tokens_used;
      v_limit  := q.tokens_limit;
      q.tokens_used := q.tokens_used + v_amount;
    WHEN 'render_seconds' THEN
      v_amount := COALESCE(NEW.render_seconds, 0);
      v_used   := q.render_seconds_used;
      v_limit  := q.render_seconds_limit;
      q.render_seconds_used := q.render_seconds_used + v_amount;
    WHEN 'kai_credits' THEN
      v_amount := COALESCE(NEW.kai_credits, 0);
      v_used   := q.kai_credits_used;
      v_limit  := q.kai_credits_limit;
      q.kai_credits_used := q.kai_credits_used + v_amount;
    WHEN 'storage' THEN
      v_amount := COALESCE(NEW.storage_bytes, 0);
      v_used   := q.storage_bytes_used;
      v_limit  := q.storage_bytes_limit;
      q.storage_bytes_used := q.storage_bytes_used + v_amount;
    ELSE
      v_amount := 0;
  END CASE;

  IF v_limit IS NOT NULL AND v_amount > 0 AND v_used + v_amount > v_limit THEN
    v_over    := LEAST(v_amount, v_used + v_amount - v_limit);
    v_overage := NEW.cost_usd * v_over / v_amount;
    q.overage_used_usd := q.overage_used_usd + v_overage;
  END IF;

  UPDATE quota_limits
  SET tokens_used         = q.tokens_used,
      render_seconds_used = q.render_seconds_used,
      kai_credits_used    = q.kai_credits_used,
      storage_bytes_used  = q.storage_bytes_used,
      overage_used_usd    = q.overage_used_usd,
      reset_at            = q.reset_at
  WHERE id = q.id;

  RETURN NULL;
END
$$;

CREATE TRIGGER trg_usage_records_update_quota
  AFTER INSERT ON usage_records
  FOR EACH ROW EXECUTE FUNCTION update_quota_usage();

-- Whether the org may use p_tokens LLM tokens, p_kai_credits KAI credits and
-- p_render_seconds render seconds more. No quota_limits row: yes. Counters
-- count as zero once reset_at has passed. A resource with a NULL limit is
-- unlimited; one with a limit fits while used + requested <= limit (storage,
-- not requested here, fits while used <= limit). When everything fits: yes.
-- Otherwise: only if the org allows overage and has not used up its cap.
CREATE OR REPLACE FUNCTION check_quota(
  p_org_id         text,
  p_tokens         integer DEFAULT 0,
  p_kai_credits    integer DEFAULT 0,
  p_render_seconds numeric DEFAULT 0
)
RETURNS boolean
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
  q       quota_limits%ROWTYPE;
  v_reset boolean;
  v_fits  boolean := true;
BEGIN
  SELECT * INTO q FROM quota_limits WHERE org_id = p_org_id;
  IF NOT FOUND THEN
    RETURN true;
  END IF;

  v_reset := q.reset_at <= now();
  IF v_reset THEN
    q.tokens_used         := 0;
    q.render_seconds_used := 0;
    q.kai_credits_used    := 0;
    q.storage_bytes_used  := 0;
    q.overage_used_usd    := 0;
  END IF;

  IF q.tokens_limit IS NOT NULL
     AND q.tokens_used::numeric + COALESCE(p_tokens, 0) > q.tokens_limit THEN
    v_fits := false;
  END IF;
  IF q.kai_credits_limit IS NOT NULL
     AND q.kai_credits_used::numeric + COALESCE(p_kai_credits, 0) > q.kai_credits_limit THEN
    v_fits := false;
  END IF;
  IF q.render_seconds_limit IS NOT NULL
     AND q.render_seconds_used + COALESCE(p_render_seconds, 0) > q.render_seconds_limit THEN
    v_fits := false;
  END IF;
  IF q.storage_bytes_limit IS NOT NULL
     AND q.storage_bytes_used > q.storage_bytes_limit THEN
    v_fits := false;
  END IF;

  IF v_fits THEN
    RETURN true;
  END IF;
  RETURN q.allow_overage AND (q.overage_cap_usd IS NULL OR q.overage_used_usd < q.overage_cap_usd);
END
$$;

COMMENT ON FUNCTION check_quota(text, integer, integer, numeric) IS
  'Whether an org may use that many more tokens, KAI credits and render seconds (limits, then overage and its cap).';

-- updated_at ---------------------------------------------------------------

-- Every table with an updated_at column gets trg_<table>_updated_at. On a
-- partitioned table the trigger is made once on the parent; PostgreSQL adds
-- it to each partition, present and future.
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT c.relname
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'updated_at' AND NOT a.attisdropped
    WHERE n.nspname = current_schema()
      AND c.relkind IN ('r', 'p')
      AND NOT c.relispartition
    ORDER BY c.relname
  LOOP
    EXECUTE format(
      'CREATE OR REPLACE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION fenta_set_updated_at()',
      'trg_' || r.relname || '_updated_at', r.relname);
  END LOOP;
END
$$;

-- Daily usage ----------------------------------------------------------------

-- Usage per org and UTC day. Refresh without blocking readers with
-- REFRESH MATERIALIZED VIEW CONCURRENTLY mv_daily_usage; (needs the unique
-- index below). Not exposed to fenta_app: a materialized view has no
-- row-level security (see 00007).
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
  COALESCE(SUM(cost_usd), 0) AS total_cost_usd
FROM usage_records
GROUP BY org_id, (created_at AT TIME ZONE 'UTC')::date;

CREATE UNIQUE INDEX idx_mv_daily_usage ON mv_daily_usage (org_id, date);

COMMENT ON MATERIALIZED VIEW mv_daily_usage IS 'Usage per org and UTC day, from usage_records.';

-- A fresh database gets this month's partitions and the next three months'.
SELECT fenta_ensure_partitions(3);
