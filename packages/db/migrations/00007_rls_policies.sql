-- 00007_rls_policies.sql
-- Row-level security: every org's data is visible only to that org's members.
--
-- Who is subject to it:
--   * The API runs each user-scoped transaction as
--       SET LOCAL ROLE fenta_app;
--       SELECT set_config('fenta.user_id', <user id>, true);
--     fenta_app has no BYPASSRLS, so the policies below decide what the
--     transaction sees and may change. fenta_current_user_id() (00001) reads
--     fenta.user_id, or on Supabase the `sub` claim of request.jwt.claims, so
--     the same policies hold for Supabase's own roles.
--   * The worker and the scheduler connect as the role that owns the tables.
--     A table's owner bypasses row-level security (it is not FORCEd): they act
--     for the system across orgs, and scope every query by org_id themselves.
--
-- Rules:
--   * members of an org read its rows;
--   * owners, admins and editors write content (projects, templates,
--     workflows, assets, jobs, schedules, webhooks, integrations, ... and the
--     tables that hang off them); viewers only read;
--   * orgs: members (and the owner) read; owners and admins update name,
--     slug, billing e-mail and settings; any user creates an org they own and
--     adds themselves as its owner; plan, billing ids and owner_id are set by
--     the system only (column privileges);
--   * org_members: members read (and everyone their own memberships); owners
--     and admins manage them; only an owner touches an owner's membership;
--   * invoices: owners and admins read;
--   * usage_records, quota_limits, credit_packs, audit_logs: members read;
--     only the system writes them;
--   * api_keys: members read their org's keys; users manage their own keys;
--   * users: a user reads their own row and updates its name, avatar and
--     metadata (column privileges);
--   * templates: public ones (is_public, org_id NULL for Fenta's own) are
--     readable by everyone.
-- Tables without org_id are scoped through their parent row.

-- Helpers ------------------------------------------------------------------
-- SECURITY DEFINER so that policies can ask about org_members without the
-- policies of org_members being applied again (no recursion).

CREATE OR REPLACE FUNCTION fenta_member_org_ids()
RETURNS SETOF text
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT m.org_id::text
  FROM org_members m
  WHERE m.user_id = fenta_current_user_id()
$$;

COMMENT ON FUNCTION fenta_member_org_ids() IS 'Ids of the orgs the current user is a member of.';

CREATE OR REPLACE FUNCTION fenta_org_ids_with_role(roles text[])
RETURNS SETOF text
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT m.org_id::text
  FROM org_members m
  WHERE m.user_id = fenta_current_user_id()
    AND m.role = ANY (roles)
$$;

COMMENT ON FUNCTION fenta_org_ids_with_role(text[]) IS
  'Ids of the orgs in which the current user has one of the given roles.';

-- The orgs the current user owns (orgs.owner_id), member or not yet: lets the
-- creator of an org add their own owner membership.
CREATE OR REPLACE FUNCTION fenta_owned_org_ids()
RETURNS SETOF text
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT o.id::text
  FROM orgs o
  WHERE o.owner_id = fenta_current_user_id()
$$;

COMMENT ON FUNCTION fenta_owned_org_ids() IS 'Ids of the orgs whose owner_id is the current user.';

-- Enable -------------------------------------------------------------------

ALTER TABLE users              ENABLE ROW LEVEL SECURITY;
ALTER TABLE orgs               ENABLE ROW LEVEL SECURITY;
ALTER TABLE org_members        ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys           ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects           ENABLE ROW LEVEL SECURITY;
ALTER TABLE templates          ENABLE ROW LEVEL SECURITY;
ALTER TABLE workflows          ENABLE ROW LEVEL SECURITY;
ALTER TABLE workflow_versions  ENABLE ROW LEVEL SECURITY;
ALTER TABLE assets             ENABLE ROW LEVEL SECURITY;
ALTER TABLE asset_versions     ENABLE ROW LEVEL SECURITY;
ALTER TABLE schedules          ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs               ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_logs           ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_nodes          ENABLE ROW LEVEL SECURITY;
ALTER TABLE renders            ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhooks           ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE usage_records      ENABLE ROW LEVEL SECURITY;
ALTER TABLE quota_limits       ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoices           ENABLE ROW LEVEL SECURITY;
ALTER TABLE credit_packs       ENABLE ROW LEVEL SECURITY;
ALTER TABLE integrations       ENABLE ROW LEVEL SECURITY;
ALTER TABLE kai_generations    ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_logs         ENABLE ROW LEVEL SECURITY;

-- Partitions of usage_records and audit_logs: read through their parent, the
-- parent's policies apply. Read directly they would have none, so enable RLS
-- on them without policies (closed to all but the owner).
-- fenta_create_month_partition() does the same for partitions made later.
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT c.oid::regclass AS rel
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relispartition AND c.relkind IN ('r', 'p')
  LOOP
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', r.rel);
  END LOOP;
END
$$;

-- users --------------------------------------------------------------------
CREATE POLICY users_select_self ON users
  FOR SELECT USING (id = fenta_current_user_id());
CREATE POLICY users_update_self ON users
  FOR UPDATE USING (id = fenta_current_user_id()) WITH CHECK (id = fenta_current_user_id());

-- orgs ---------------------------------------------------------------------
-- The owner reads the org even before their membership row exists (an
-- INSERT ... RETURNING must be able to read the new row).
CREATE POLICY orgs_select_member ON orgs
  FOR SELECT USING (id IN (SELECT fenta_member_org_ids()) OR owner_id = fenta_current_user_id());
CREATE POLICY orgs_insert_own ON orgs
  FOR INSERT WITH CHECK (owner_id = fenta_current_user_id());
CREATE POLICY orgs_update_admin ON orgs
  FOR UPDATE
  USING (id IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin'])))
  WITH CHECK (id IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin'])));

-- org_members --------------------------------------------------------------
-- Owners and admins manage memberships; only an owner creates, changes or
-- removes an owner's membership. The owner of a new org adds themselves.
-- A user also reads their own memberships: a membership just inserted is not
-- yet seen by fenta_member_org_ids() within the same statement, and
-- INSERT ... RETURNING must be able to read it.
CREATE POLICY org_members_select_member ON org_members
  FOR SELECT USING (user_id = fenta_current_user_id() OR org_id IN (SELECT fenta_member_org_ids()));
CREATE POLICY org_members_insert_admin ON org_members
  FOR INSERT WITH CHECK (
    (org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin']))
     AND (role <> 'owner' OR org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner']))))
    OR (user_id = fenta_current_user_id() AND org_id IN (SELECT fenta_owned_org_ids()))
  );
CREATE POLICY org_members_update_admin ON org_members
  FOR UPDATE
  USING (
    org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin']))
    AND (role <> 'owner' OR org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner'])))
  )
  WITH CHECK (
    org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin']))
    AND (role <> 'owner' OR org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner'])))
  );
CREATE POLICY org_members_delete_admin ON org_members
  FOR DELETE USING (
    org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin']))
    AND (role <> 'owner' OR org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner'])))
  );

-- api_keys -----------------------------------------------------------------
CREATE POLICY api_keys_select_member ON api_keys
  FOR SELECT USING (user_id = fenta_current_user_id() OR org_id IN (SELECT fenta_member_org_ids()));
CREATE POLICY api_keys_insert_own ON api_keys
  FOR INSERT WITH CHECK (
    user_id = fenta_current_user_id()
    AND (org_id IS NULL OR org_id IN (SELECT fenta_member_org_ids()))
  );
CREATE POLICY api_keys_update_own ON api_keys
  FOR UPDATE
  USING (user_id = fenta_current_user_id())
  WITH CHECK (
    user_id = fenta_current_user_id()
    AND (org_id IS NULL OR org_id IN (SELECT fenta_member_org_ids()))
  );
CREATE POLICY api_keys_delete_own ON api_keys
  FOR DELETE USING (user_id = fenta_current_user_id());

-- templates: public ones are readable by everyone ---------------------------
CREATE POLICY templates_select_member_or_public ON templates
  FOR SELECT USING (is_public = true OR org_id IN (SELECT fenta_member_org_ids()));

-- Content tables with org_id: members read, owners/admins/editors write -----
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'projects', 'templates', 'workflows', 'assets', 'schedules', 'jobs', 'job_nodes',
    'webhooks', 'integrations', 'kai_generations'
  ] LOOP
    IF t <> 'templates' THEN
      EXECUTE format(
        'CREATE POLICY %I ON %I FOR SELECT USING (org_id IN (SELECT fenta_member_org_ids()))',
        t || '_select_member', t);
    END IF;
    EXECUTE format(
      'CREATE POLICY %I ON %I FOR INSERT WITH CHECK ('
      'org_id IN (SELECT fenta_org_ids_with_role(ARRAY[''owner'', ''admin'', ''editor''])))',
      t || '_insert_editor', t);
    EXECUTE format(
      'CREATE POLICY %I ON %I FOR UPDATE '
      'USING (org_id IN (SELECT fenta_org_ids_with_role(ARRAY[''owner'', ''admin'', ''editor'']))) '
      'WITH CHECK (org_id IN (SELECT fenta_org_ids_with_role(ARRAY[''owner'', ''admin'', ''editor''])))',
      t || '_update_editor', t);
    EXECUTE format(
      'CREATE POLICY %I ON %I FOR DELETE '
      'USING (org_id IN (SELECT fenta_org_ids_with_role(ARRAY[''owner'', ''admin'', ''editor''])))',
      t || '_delete_editor', t);
  END LOOP;
END
$$;

-- Content tables without org_id: scoped through their parent ----------------
-- (table, parent key column, parent table)
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT * FROM (VALUES
      ('workflow_versions',  'workflow_id', 'workflows'),
      ('asset_versions',     'asset_id',    'assets'),
      ('job_logs',           'job_id',      'jobs'),
      ('renders',            'job_id',      'jobs'),
      ('webhook_deliveries', 'webhook_id',  'webhooks')
    ) AS v (child, fk, parent)
  LOOP
    EXECUTE format(
      'CREATE POLICY %I ON %I FOR SELECT USING ('
      '%I IN (SELECT p.id FROM %I p WHERE p.org_id IN (SELECT fenta_member_org_ids())))',
      r.child || '_select_member', r.child, r.fk, r.parent);
    EXECUTE format(
      'CREATE POLICY %I ON %I FOR INSERT WITH CHECK ('
      '%I IN (SELECT p.id FROM %I p WHERE p.org_id IN '
      '(SELECT fenta_org_ids_with_role(ARRAY[''owner'', ''admin'', ''editor'']))))',
      r.child || '_insert_editor', r.child, r.fk, r.parent);
    EXECUTE format(
      'CREATE POLICY %I ON %I FOR UPDATE USING ('
      '%I IN (SELECT p.id FROM %I p WHERE p.org_id IN '
      '(SELECT fenta_org_ids_with_role(ARRAY[''owner'', ''admin'', ''editor''])))) '
      'WITH CHECK ('
      '%I IN (SELECT p.id FROM %I p WHERE p.org_id IN '
      '(SELECT fenta_org_ids_with_role(ARRAY[''owner'', ''admin'', ''editor'']))))',
      r.child || '_update_editor', r.child, r.fk, r.parent, r.fk, r.parent);
    EXECUTE format(
      'CREATE POLICY %I ON %I FOR DELETE USING ('
      '%I IN (SELECT p.id FROM %I p WHERE p.org_id IN '
      '(SELECT fenta_org_ids_with_role(ARRAY[''owner'', ''admin'', ''editor'']))))',
      r.child || '_delete_editor', r.child, r.fk, r.parent);
  END LOOP;
END
$$;

-- invoices: owners and admins read; nobody but the system writes ------------
CREATE POLICY invoices_select_admin ON invoices
  FOR SELECT USING (org_id IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin'])));

-- Written by the system only: members read ----------------------------------
CREATE POLICY usage_records_select_member ON usage_records
  FOR SELECT USING (org_id IN (SELECT fenta_member_org_ids()));
CREATE POLICY quota_limits_select_member ON quota_limits
  FOR SELECT USING (org_id IN (SELECT fenta_member_org_ids()));
CREATE POLICY credit_packs_select_member ON credit_packs
  FOR SELECT USING (org_id IN (SELECT fenta_member_org_ids()));
CREATE POLICY audit_logs_select_member ON audit_logs
  FOR SELECT USING (org_id IN (SELECT fenta_member_org_ids()));

-- Privileges ---------------------------------------------------------------

GRANT USAGE ON SCHEMA public TO fenta_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO fenta_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO fenta_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO fenta_app;

-- Columns a user must not set on their own rows: platform role and status,
-- e-mail and password (changed through verified flows), an org's plan and
-- billing ids, and who owns it. The system role sets them.
-- On Supabase the same holds for its API roles, anon and authenticated, which
-- receive privileges on every new table in public by default.
DO $$
DECLARE
  v_role text;
BEGIN
  FOREACH v_role IN ARRAY ARRAY['fenta_app', 'anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
      EXECUTE format('REVOKE INSERT, UPDATE ON users, orgs FROM %I', v_role);
      EXECUTE format('GRANT UPDATE (name, avatar_url, metadata) ON users TO %I', v_role);
      EXECUTE format('GRANT INSERT (id, name, slug, owner_id, billing_email, settings) ON orgs TO %I', v_role);
      EXECUTE format('GRANT UPDATE (name, slug, billing_email, settings, deleted_at) ON orgs TO %I', v_role);
    END IF;
  END LOOP;
END
$$;

-- What has no row-level security is not for fenta_app: partitions (reached
-- through their parent), mv_daily_usage (a materialized view cannot have
-- row-level security; read it as the system role, scoped by org_id) and any
-- table that is not Fenta's (e.g. the migrator's own bookkeeping).
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT c.oid::regclass AS rel
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public'
      AND c.relkind IN ('r', 'p', 'm', 'v', 'f')
      AND (c.relispartition OR NOT c.relrowsecurity)
  LOOP
    EXECUTE format('REVOKE ALL ON %s FROM fenta_app', r.rel);
  END LOOP;
END
$$;

-- On Supabase, anon and authenticated receive privileges on every new table
-- in public by default; the materialized view has no row-level security.
DO $$
DECLARE
  v_role text;
BEGIN
  FOREACH v_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
      EXECUTE format('REVOKE ALL ON mv_daily_usage FROM %I', v_role);
    END IF;
  END LOOP;
END
$$;
