-- 00009_tenant_boundaries.sql
-- What a tenant may write, table by table and column by column.
--
-- Tenants are the roles row-level security applies to: fenta_app (the API's
-- user-scoped transactions) and, on Supabase, anon and authenticated (clients
-- that reach the tables directly). The worker and the scheduler connect as
-- the tables' owner and bypass row-level security; they trust what they read
-- (a completed checkpoint is reused, a queued job is run, a storage key is
-- opened). So everything the system acts on must be writable by the system
-- only, and this file takes those writes away from the tenants:
--
--   * execution tables (job_nodes, renders, job_logs, usage_records,
--     webhook_deliveries, kai_generations) and the billing tables
--     (quota_limits, invoices, credit_packs, audit_logs): tenants read them
--     through row-level security and write nothing (no INSERT, UPDATE or
--     DELETE privilege, no write policy);
--   * jobs: editors insert a job naming only what a client asks for (org,
--     workflow, template, project, idempotency key, config, and themselves as
--     created_by) and may only ask an unfinished job to stop
--     (cancel_requested_at). Id, status, result, error, costs, timing,
--     retries, progress, schedule and parent are the system's. No tenant
--     deletes a job: jobs are the history of work the worker may be running,
--     and deleting one would take its checkpoints, render and logs with it;
--   * assets: editors register an upload (storage key, file name, content
--     type, tags) and may later rename, tag, move to a project or soft-delete
--     it; status and what probing measured (size, duration, frame, codec),
--     where the file is served from (url, thumbnail, bucket, provider) are
--     the system's;
--   * templates: publishing (is_public) and usage_count are the system's, and
--     so are the ids and the org of a template, so no tenant can take the id
--     of a template Fenta ships later or move a template between orgs;
--   * orgs: the database makes an org's id, tenants do not choose it;
--   * api_keys: only owners and admins of the key's org create keys, with
--     scopes no wider than their role's (fenta_api_key_scopes_for_role); the
--     holder may rename or revoke a key while it is valid, never revive,
--     extend, re-scope or re-hash it;
--   * secrets: webhooks.secret and integrations.credentials are not readable
--     by tenants at all (column privileges cannot depend on the member's
--     role). The system reads the webhook secret to sign deliveries; owners
--     and admins read credentials through fenta_integration_credentials();
--   * no tenant truncates a table (TRUNCATE skips row-level security), adds
--     triggers to one or references one, and none reaches the partitions,
--     the materialized view or the migrator's log (fenta_migrations: a row
--     written there would make the migrator skip a migration).
--
-- Supabase: anon and authenticated get every privilege on every new table in
-- public by default, so each statement about them is guarded by an existence
-- check, as in 00007, and the same column lists are granted to them as to
-- fenta_app. Constraints that hold for every writer, the system included,
-- are in 00010, which may refuse rows already in a database; this file
-- cannot fail on existing rows, so it closes the tenants' access either way.

-- Helpers -------------------------------------------------------------------

-- The current user's role in an org (NULL when not a member). SECURITY
-- DEFINER for the same reason as the helpers of 00007: no recursion through
-- org_members' own policies.
CREATE OR REPLACE FUNCTION fenta_member_role(p_org_id text)
RETURNS text
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT m.role::text
  FROM org_members m
  WHERE m.org_id = p_org_id AND m.user_id = fenta_current_user_id()
$$;

COMMENT ON FUNCTION fenta_member_role(text) IS 'The current user''s role in the org, NULL when not a member.';

-- The API key scopes each org role may hand out. Viewers read; editors also
-- write and run jobs; owners and admins also manage keys. The owners' set is
-- every scope there is (00010 refuses a key with any other).
CREATE OR REPLACE FUNCTION fenta_api_key_scopes_for_role(p_role text)
RETURNS text[]
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
  SELECT CASE
    WHEN p_role = 'viewer' THEN ARRAY[
      'workflows:read', 'jobs:read', 'templates:read', 'assets:read',
      'schedules:read', 'webhooks:read', 'usage:read']
    WHEN p_role = 'editor' THEN ARRAY[
      'workflows:read', 'jobs:read', 'templates:read', 'assets:read',
      'schedules:read', 'webhooks:read', 'usage:read',
      'workflows:write', 'jobs:execute', 'templates:write', 'assets:write',
      'schedules:write', 'webhooks:write']
    WHEN p_role IN ('owner', 'admin') THEN ARRAY[
      'workflows:read', 'jobs:read', 'templates:read', 'assets:read',
      'schedules:read', 'webhooks:read', 'usage:read',
      'workflows:write', 'jobs:execute', 'templates:write', 'assets:write',
      'schedules:write', 'webhooks:write',
      'keys:write']
    ELSE ARRAY[]::text[]
  END
$$;

COMMENT ON FUNCTION fenta_api_key_scopes_for_role(text) IS
  'The API key scopes an org role may grant: viewer < editor < admin = owner (all scopes).';

-- Whether `scopes` is a JSON array of strings, each one of `allowed`.
CREATE OR REPLACE FUNCTION fenta_api_key_scopes_within(p_scopes jsonb, p_allowed text[])
RETURNS boolean
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
  SELECT COALESCE(jsonb_typeof(p_scopes) = 'array', false)
     AND p_allowed IS NOT NULL
     AND NOT EXISTS (
       SELECT 1
       FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_scopes) = 'array' THEN p_scopes ELSE '[]'::jsonb END) AS s (scope)
       WHERE jsonb_typeof(s.scope) <> 'string' OR NOT (s.scope #>> '{}') = ANY (p_allowed)
     )
$$;

COMMENT ON FUNCTION fenta_api_key_scopes_within(jsonb, text[]) IS
  'Whether a scopes document is a JSON array of strings, all of them in the allowed list.';

-- An integration's credentials, for owners and admins of its org. The
-- column itself is not readable by any tenant; this is the one way in, and it
-- answers the same for a missing integration as for one the caller may not
-- read, so it tells nobody which ids exist.
CREATE OR REPLACE FUNCTION fenta_integration_credentials(p_integration_id text)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  v_credentials jsonb;
BEGIN
  SELECT i.credentials INTO v_credentials
  FROM integrations i
  WHERE i.id = p_integration_id
    AND i.org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin']));
  IF NOT FOUND THEN
    RAISE EXCEPTION 'permission denied for the credentials of integration %', p_integration_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN v_credentials;
END
$$;

COMMENT ON FUNCTION fenta_integration_credentials(text) IS
  'The credentials of an integration, for owners and admins of its org only.';

REVOKE ALL ON FUNCTION fenta_integration_credentials(text) FROM PUBLIC;

-- Policies ------------------------------------------------------------------

-- Execution tables: the tenant write policies of 00007 go; the read policies
-- stay. (usage_records never had one.)
DO $$
DECLARE
  t text;
  v_action text;
BEGIN
  FOREACH t IN ARRAY ARRAY['job_nodes', 'renders', 'job_logs', 'webhook_deliveries', 'kai_generations'] LOOP
    FOREACH v_action IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
      EXECUTE format('DROP POLICY %I ON %I', t || '_' || v_action || '_editor', t);
    END LOOP;
  END LOOP;
END
$$;

-- jobs: an editor creates a job as themselves, and asks an unfinished job to
-- stop; a request to stop is not taken back. Finished jobs are not touched.
DROP POLICY jobs_insert_editor ON jobs;
DROP POLICY jobs_update_editor ON jobs;
DROP POLICY jobs_delete_editor ON jobs;

CREATE POLICY jobs_insert_editor ON jobs
  FOR INSERT WITH CHECK (
    org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin', 'editor']))
    AND created_by = fenta_current_user_id()
  );
CREATE POLICY jobs_update_cancel ON jobs
  FOR UPDATE
  USING (
    org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin', 'editor']))
    AND status IN ('queued', 'processing')
  )
  WITH CHECK (
    org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin', 'editor']))
    AND cancel_requested_at IS NOT NULL
  );

-- assets: an upload is registered by the editor who made it.
DROP POLICY assets_insert_editor ON assets;
CREATE POLICY assets_insert_editor ON assets
  FOR INSERT WITH CHECK (
    org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin', 'editor']))
    AND created_by = fenta_current_user_id()
  );

-- api_keys: owners and admins create keys for themselves in their org, with
-- scopes their role may grant (a key without an org would have no role to
-- bound its scopes, so tenants make none). The holder renames or revokes a
-- key only while it is valid; a revocation is dated now or earlier, never
-- later (a future date would keep the key alive).
DROP POLICY api_keys_insert_own ON api_keys;
DROP POLICY api_keys_update_own ON api_keys;

CREATE POLICY api_keys_insert_admin ON api_keys
  FOR INSERT WITH CHECK (
    user_id = fenta_current_user_id()
    AND org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin']))
    AND fenta_api_key_scopes_within(scopes, fenta_api_key_scopes_for_role(fenta_member_role(org_id)))
  );
CREATE POLICY api_keys_update_valid ON api_keys
  FOR UPDATE
  USING (
    user_id = fenta_current_user_id()
    AND revoked_at IS NULL
    AND (expires_at IS NULL OR expires_at > now())
  )
  WITH CHECK (
    user_id = fenta_current_user_id()
    AND (revoked_at IS NULL OR revoked_at <= clock_timestamp())
  );

-- Partitions made from now on ------------------------------------------------

-- As in 00006, plus: a new partition gets no privileges for the tenant roles.
-- On Supabase, anon and authenticated would otherwise receive every privilege
-- on it by default, TRUNCATE included, which row-level security does not stop.
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
  v_role     text;
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
  FOREACH v_role IN ARRAY ARRAY['fenta_app', 'anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
      EXECUTE format('REVOKE ALL ON %I.%I FROM %I', v_schema, v_name, v_role);
    END IF;
  END LOOP;

  RETURN v_name;
END
$$;

COMMENT ON FUNCTION fenta_create_month_partition(regclass, date) IS
  'Creates <parent>_YYYY_MM for the UTC month of `month` if missing, moving its rows out of the default partition.';

-- Privileges ----------------------------------------------------------------
-- Revoking a table-level privilege also revokes it on every column, so each
-- table below is first closed, then opened column by column. A column added
-- to one of these tables later is closed to tenants until a migration grants it.

DO $$
DECLARE
  v_role text;
  r      record;
  t      text;
BEGIN
  FOREACH v_role IN ARRAY ARRAY['fenta_app', 'anon', 'authenticated'] LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role);

    -- Nothing a tenant does skips row-level security: no TRUNCATE, no
    -- triggers, no foreign keys of their own onto these tables. Partitions
    -- (reached through their parent) and the materialized view (no
    -- row-level security) are closed entirely, as 00007 did for fenta_app.
    FOR r IN
      SELECT c.oid::regclass AS rel, c.relkind, c.relispartition
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'm')
    LOOP
      IF r.relispartition OR r.relkind = 'm' THEN
        EXECUTE format('REVOKE ALL ON %s FROM %I', r.rel, v_role);
      ELSE
        EXECUTE format('REVOKE TRUNCATE, REFERENCES, TRIGGER ON %s FROM %I', r.rel, v_role);
      END IF;
    END LOOP;

    -- The migrator's log, when the migrator made one (not in Supabase's SQL editor).
    IF to_regclass('fenta_migrations') IS NOT NULL THEN
      EXECUTE format('REVOKE ALL ON fenta_migrations FROM %I', v_role);
    END IF;

    -- Written by the system only; read through row-level security.
    FOREACH t IN ARRAY ARRAY[
      'job_nodes', 'renders', 'job_logs', 'usage_records', 'webhook_deliveries', 'kai_generations',
      'quota_limits', 'invoices', 'credit_packs', 'audit_logs'
    ] LOOP
      EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON %I FROM %I', t, v_role);
    END LOOP;

    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON jobs FROM %I', v_role);
    EXECUTE format(
      'GRANT INSERT (org_id, workflow_id, template_id, project_id, idempotency_key, config, created_by) '
      'ON jobs TO %I', v_role);
    EXECUTE format('GRANT UPDATE (cancel_requested_at) ON jobs TO %I', v_role);

    EXECUTE format('REVOKE INSERT, UPDATE ON assets FROM %I', v_role);
    EXECUTE format(
      'GRANT INSERT (org_id, project_id, type, source, storage_key, filename, content_type, metadata, created_by) '
      'ON assets TO %I', v_role);
    EXECUTE format('GRANT UPDATE (project_id, filename, metadata, deleted_at) ON assets TO %I', v_role);

    EXECUTE format('REVOKE INSERT, UPDATE ON templates FROM %I', v_role);
    EXECUTE format(
      'GRANT INSERT (org_id, project_id, name, description, aspect, resolution, thumbnail_url, spec, created_by) '
      'ON templates TO %I', v_role);
    EXECUTE format(
      'GRANT UPDATE (project_id, name, description, aspect, resolution, thumbnail_url, spec, deleted_at) '
      'ON templates TO %I', v_role);

    EXECUTE format('REVOKE INSERT, UPDATE ON api_keys FROM %I', v_role);
    EXECUTE format(
      'GRANT INSERT (user_id, org_id, name, key_hash, key_prefix, scopes, expires_at) ON api_keys TO %I', v_role);
    EXECUTE format('GRANT UPDATE (name, revoked_at) ON api_keys TO %I', v_role);

    EXECUTE format('REVOKE INSERT ON orgs FROM %I', v_role);
    EXECUTE format('GRANT INSERT (name, slug, owner_id, billing_email, settings) ON orgs TO %I', v_role);

    EXECUTE format('REVOKE SELECT ON webhooks FROM %I', v_role);
    EXECUTE format(
      'GRANT SELECT (id, org_id, url, events, enabled, created_by, created_at, updated_at) ON webhooks TO %I',
      v_role);

    EXECUTE format('REVOKE SELECT ON integrations FROM %I', v_role);
    EXECUTE format(
      'GRANT SELECT (id, org_id, provider, status, config, last_used_at, expires_at, created_by, created_at, updated_at) '
      'ON integrations TO %I', v_role);

    -- anon has no user to be an owner or admin.
    IF v_role = 'anon' THEN
      EXECUTE format('REVOKE ALL ON FUNCTION fenta_integration_credentials(text) FROM %I', v_role);
    ELSE
      EXECUTE format('GRANT EXECUTE ON FUNCTION fenta_integration_credentials(text) TO %I', v_role);
    END IF;
  END LOOP;
END
$$;
