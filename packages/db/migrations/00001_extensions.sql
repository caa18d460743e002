-- 00001_extensions.sql
-- Extensions, id generation, the updated_at trigger function, the role that
-- row-level security applies to, and the function that tells policies who the
-- current user is.
--
-- Ids are text: '<prefix>_' followed by a UUID version 7. The first 48 bits of
-- a UUIDv7 are the unix time in milliseconds, so ids sort (as text, too) in
-- creation order and new rows land at the right-hand end of every id index.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- UUID version 7 (RFC 9562):
--   bits  0..47  unix timestamp in milliseconds, from clock_timestamp()
--   bits 48..51  version (0111)
--   bits 52..63  sub-millisecond fraction of clock_timestamp() (RFC 9562
--                method 3), so ids made one after another in the same
--                millisecond still sort in creation order
--   bits 64..65  variant (10)
--   bits 66..127 random, from gen_random_uuid()
CREATE OR REPLACE FUNCTION fenta_uuid_v7()
RETURNS uuid
LANGUAGE plpgsql
VOLATILE
PARALLEL SAFE
AS $$
DECLARE
  v_now   timestamptz := clock_timestamp();
  v_us    bigint      := floor(extract(epoch FROM v_now) * 1000000)::bigint; -- microseconds
  v_ms    bigint      := v_us / 1000;
  v_frac  integer     := ((v_us % 1000) * 4096 / 1000)::integer;            -- 12 bits
  v_bytes bytea       := uuid_send(gen_random_uuid());
BEGIN
  -- 48-bit millisecond timestamp in bytes 0..5
  v_bytes := overlay(v_bytes PLACING substring(int8send(v_ms) FROM 3 FOR 6) FROM 1 FOR 6);
  -- version 7 in the high nibble of byte 6, then the 12-bit fraction
  v_bytes := set_byte(v_bytes, 6, 112 | (v_frac >> 8));
  v_bytes := set_byte(v_bytes, 7, v_frac & 255);
  -- variant 10 in the two high bits of byte 8
  v_bytes := set_byte(v_bytes, 8, (get_byte(v_bytes, 8) & 63) | 128);
  RETURN encode(v_bytes, 'hex')::uuid;
END
$$;

COMMENT ON FUNCTION fenta_uuid_v7() IS
  'A time-ordered UUID version 7: 48-bit unix-ms timestamp, 12-bit sub-ms fraction, random rest.';

-- '<prefix>_<uuid v7>', e.g. 'job_01938f4e-7a1c-7d3e-9b2a-4c5d6e7f8091'.
CREATE OR REPLACE FUNCTION fenta_id(prefix text)
RETURNS text
LANGUAGE sql
VOLATILE
PARALLEL SAFE
AS $$
  SELECT prefix || '_' || fenta_uuid_v7()::text
$$;

COMMENT ON FUNCTION fenta_id(text) IS
  'A prefixed, time-ordered id: prefix || ''_'' || fenta_uuid_v7().';

-- BEFORE UPDATE trigger: every table with updated_at gets one (see 00006).
CREATE OR REPLACE FUNCTION fenta_set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

-- The role user-scoped work runs as, so row-level security applies to it.
-- Roles belong to the whole cluster, so create it only when it is missing.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fenta_app') THEN
    CREATE ROLE fenta_app NOLOGIN NOBYPASSRLS;
  END IF;

  -- A role that is not a superuser (Supabase's "postgres", a managed
  -- database's admin) needs membership to run SET ROLE fenta_app.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NOT pg_has_role(current_user, 'fenta_app', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT fenta_app TO %I', current_user);
    EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN
      RAISE NOTICE 'could not grant fenta_app to %: grant it by hand so the API can SET ROLE fenta_app', current_user;
    END;
  END IF;
END
$$;

-- The user on whose behalf the current transaction runs, for policies.
--   fenta.user_id       set by the API: set_config('fenta.user_id', <id>, true)
--   request.jwt.claims  set by Supabase (PostgREST) from the caller's JWT
-- NULL when neither is set: policies then match nothing (except public rows).
CREATE OR REPLACE FUNCTION fenta_current_user_id()
RETURNS text
LANGUAGE sql
STABLE
AS $$
  SELECT COALESCE(
    NULLIF(current_setting('fenta.user_id', true), ''),
    NULLIF(NULLIF(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', '')
  )
$$;
