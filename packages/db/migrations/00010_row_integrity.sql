-- 00010_row_integrity.sql
-- Rules every writer is held to, the system included: a row never points at
-- another org's rows, an asset's files lie under its own org's prefix, ids
-- and node ids have one shape, API keys carry only known scopes. And quota
-- counters wide enough for an org's real usage.
--
-- Why for every writer: the worker and the scheduler bypass row-level
-- security, and what they write is read back by other system code that
-- trusts it. Ids and node ids reach file paths, storage keys, Redis keys and
-- log lines, so anything outside their grammar is refused at the source.
--
-- Each constraint is checked against the rows already in the database: if a
-- row breaks one, this migration fails and changes nothing, and the row must
-- be corrected first. (00009, the tenants' privileges, does not depend on it.)

-- Ids -------------------------------------------------------------------------
-- '<prefix>_' and 1 to 100 of [A-Za-z0-9_-], with the prefix of the table's
-- fenta_id() default: 'job_0193…' (a UUIDv7), or a chosen one such as
-- 'org_demo' or 'tmpl_shorts_v1'. No '/', '.', '\', space or control
-- character can be part of an id. On usage_records and audit_logs the
-- constraint is made on the partitioned table and so holds on every partition.
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT * FROM (VALUES
      ('users', 'user'), ('orgs', 'org'), ('org_members', 'member'), ('api_keys', 'key'),
      ('projects', 'proj'), ('templates', 'tmpl'), ('workflows', 'wf'), ('workflow_versions', 'ver'),
      ('assets', 'asset'), ('asset_versions', 'aver'), ('schedules', 'sched'), ('jobs', 'job'),
      ('job_logs', 'log'), ('job_nodes', 'jnode'), ('renders', 'render'), ('webhooks', 'hook'),
      ('webhook_deliveries', 'delivery'), ('usage_records', 'usage'), ('quota_limits', 'quota'),
      ('invoices', 'inv'), ('credit_packs', 'pack'), ('integrations', 'int'),
      ('kai_generations', 'gen'), ('audit_logs', 'audit')
    ) AS v (tbl, prefix)
  LOOP
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (id ~ %L)',
                   r.tbl, r.tbl || '_id_check', '^' || r.prefix || '_[A-Za-z0-9_-]{1,100}$');
  END LOOP;
END
$$;

-- Graph node ids name checkpoint rows and the folders of a node's artifacts
-- (orgs/{org}/jobs/{job}/{node}/…).
ALTER TABLE job_nodes
  ADD CONSTRAINT job_nodes_node_id_check CHECK (node_id ~ '^[A-Za-z0-9_-]{1,64}$');
ALTER TABLE usage_records
  ADD CONSTRAINT usage_records_node_id_check CHECK (node_id ~ '^[A-Za-z0-9_-]{1,64}$');

-- Storage keys ---------------------------------------------------------------

-- Whether `key` names an object under orgs/<org_id>/: non-empty '/'-separated
-- segments after the prefix, none of them '.' or '..', no backslash (a path
-- separator on some systems), no control character. It cannot be absolute
-- or carry a scheme, since it starts with 'orgs/'. (text cannot hold NUL at
-- all: PostgreSQL refuses it on input.) starts_with, not LIKE: '_' in an org
-- id would be a wildcard.
CREATE OR REPLACE FUNCTION fenta_is_org_storage_key(p_org_id text, p_key text)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
PARALLEL SAFE
AS $$
  SELECT COALESCE(
    p_org_id IS NOT NULL AND p_key IS NOT NULL
    AND starts_with(p_key, 'orgs/' || p_org_id || '/')
    AND substr(p_key, length('orgs/' || p_org_id || '/') + 1) ~ '^[^/]+(/[^/]+)*$'
    AND ('/' || p_key || '/') NOT LIKE '%/./%'
    AND ('/' || p_key || '/') NOT LIKE '%/../%'
    AND strpos(p_key, chr(92)) = 0
    AND p_key !~ '[\x01-\x1f\x7f]',
    false)
$$;

COMMENT ON FUNCTION fenta_is_org_storage_key(text, text) IS
  'Whether a storage key lies under orgs/<org_id>/ with no empty, . or .. segment, backslash or control character.';

ALTER TABLE assets
  ADD CONSTRAINT assets_storage_key_check CHECK (fenta_is_org_storage_key(org_id, storage_key));

-- An asset version has no org_id of its own: its key must lie under its
-- asset's org. A constraint trigger runs after row-level security has
-- checked the row, so a tenant writing into another org's asset gets the
-- policy's refusal, and nobody learns from this check which org an asset is in.
CREATE OR REPLACE FUNCTION fenta_check_asset_version_storage_key()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
BEGIN
  IF NOT fenta_is_org_storage_key((SELECT a.org_id FROM assets a WHERE a.id = NEW.asset_id), NEW.storage_key) THEN
    RAISE EXCEPTION 'new row for relation "asset_versions" violates check constraint "asset_versions_storage_key_check"'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'asset_versions_storage_key_check', TABLE = 'asset_versions',
            DETAIL = format('Storage key %s is not under orgs/<the org of asset %s>/.', NEW.storage_key, NEW.asset_id);
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER asset_versions_storage_key_check
  AFTER INSERT OR UPDATE OF asset_id, storage_key ON asset_versions
  FOR EACH ROW EXECUTE FUNCTION fenta_check_asset_version_storage_key();

-- API key scopes -------------------------------------------------------------
-- A JSON array of known scopes (the owners' set of 00009, which is all of them).
ALTER TABLE api_keys
  ADD CONSTRAINT api_keys_scopes_check
  CHECK (fenta_api_key_scopes_within(scopes, fenta_api_key_scopes_for_role('owner')));

-- Rows of one org point at rows of the same org ------------------------------
-- A reference from a table with org_id to another table with org_id is a
-- foreign key on (reference, org_id), so the referenced row must be of the
-- same org. This needs UNIQUE (id, org_id) on the referenced tables (id alone
-- is already unique; the pair is what a foreign key can point at).
--
-- MATCH SIMPLE (the default): a NULL reference is not checked, as before.
-- ON DELETE keeps what the single-column keys did; SET NULL names the
-- reference column only, so org_id is never nulled (PostgreSQL 15+).
-- ON UPDATE stays NO ACTION: moving a referenced row to another org is
-- refused while anything of its old org points at it.
-- The single-column keys are dropped: each composite key implies its old
-- one (org_id is NOT NULL in every referencing table; for templates, see the
-- CHECK below), and two keys on one column would act twice on every delete.
-- Every reference column keeps its index from 00008 as the first column.

ALTER TABLE projects  ADD CONSTRAINT projects_id_org_id_key  UNIQUE (id, org_id);
ALTER TABLE workflows ADD CONSTRAINT workflows_id_org_id_key UNIQUE (id, org_id);
ALTER TABLE schedules ADD CONSTRAINT schedules_id_org_id_key UNIQUE (id, org_id);
ALTER TABLE jobs      ADD CONSTRAINT jobs_id_org_id_key      UNIQUE (id, org_id);

ALTER TABLE jobs
  DROP CONSTRAINT jobs_project_id_fkey,
  DROP CONSTRAINT jobs_workflow_id_fkey,
  DROP CONSTRAINT jobs_schedule_id_fkey,
  DROP CONSTRAINT jobs_parent_job_id_fkey,
  ADD CONSTRAINT jobs_project_id_org_id_fkey FOREIGN KEY (project_id, org_id)
    REFERENCES projects (id, org_id) ON DELETE SET NULL (project_id),
  ADD CONSTRAINT jobs_workflow_id_org_id_fkey FOREIGN KEY (workflow_id, org_id)
    REFERENCES workflows (id, org_id) ON DELETE SET NULL (workflow_id),
  ADD CONSTRAINT jobs_schedule_id_org_id_fkey FOREIGN KEY (schedule_id, org_id)
    REFERENCES schedules (id, org_id) ON DELETE SET NULL (schedule_id),
  ADD CONSTRAINT jobs_parent_job_id_org_id_fkey FOREIGN KEY (parent_job_id, org_id)
    REFERENCES jobs (id, org_id) ON DELETE SET NULL (parent_job_id);

ALTER TABLE job_nodes
  DROP CONSTRAINT job_nodes_job_id_fkey,
  ADD CONSTRAINT job_nodes_job_id_org_id_fkey FOREIGN KEY (job_id, org_id)
    REFERENCES jobs (id, org_id) ON DELETE CASCADE;

-- On the partitioned table: the key holds on every partition, present and future.
ALTER TABLE usage_records DROP CONSTRAINT usage_records_job_id_fkey;
ALTER TABLE usage_records
  ADD CONSTRAINT usage_records_job_id_org_id_fkey FOREIGN KEY (job_id, org_id)
    REFERENCES jobs (id, org_id) ON DELETE SET NULL (job_id);

ALTER TABLE kai_generations
  DROP CONSTRAINT kai_generations_job_id_fkey,
  ADD CONSTRAINT kai_generations_job_id_org_id_fkey FOREIGN KEY (job_id, org_id)
    REFERENCES jobs (id, org_id) ON DELETE SET NULL (job_id);

ALTER TABLE schedules
  DROP CONSTRAINT schedules_workflow_id_fkey,
  ADD CONSTRAINT schedules_workflow_id_org_id_fkey FOREIGN KEY (workflow_id, org_id)
    REFERENCES workflows (id, org_id) ON DELETE CASCADE;

ALTER TABLE workflows
  DROP CONSTRAINT workflows_project_id_fkey,
  ADD CONSTRAINT workflows_project_id_org_id_fkey FOREIGN KEY (project_id, org_id)
    REFERENCES projects (id, org_id) ON DELETE SET NULL (project_id);

ALTER TABLE assets
  DROP CONSTRAINT assets_project_id_fkey,
  ADD CONSTRAINT assets_project_id_org_id_fkey FOREIGN KEY (project_id, org_id)
    REFERENCES projects (id, org_id) ON DELETE SET NULL (project_id);

-- templates.org_id is NULL for Fenta's own templates, and MATCH SIMPLE does
-- not check a key with a NULL column: such a template could name any org's
-- project. A template without an org belongs to no project, so the composite
-- key checks every project a template names.
ALTER TABLE templates
  ADD CONSTRAINT templates_project_needs_org_check CHECK (project_id IS NULL OR org_id IS NOT NULL),
  DROP CONSTRAINT templates_project_id_fkey,
  ADD CONSTRAINT templates_project_id_org_id_fkey FOREIGN KEY (project_id, org_id)
    REFERENCES projects (id, org_id) ON DELETE CASCADE;

-- A job's template is one its org may use: its own or a public one (the rule
-- of the templates' read policy). No foreign key can say this, since public
-- templates have no org; the single-column key stays for existence and ON
-- DELETE SET NULL, and a constraint trigger checks the org when a job is
-- made or its template changes. It reads templates as the writer: a tenant
-- sees its own and the public ones, which are exactly those it may name.
-- A template that is later unpublished keeps its jobs: they hold a frozen
-- copy of it in config.
CREATE OR REPLACE FUNCTION fenta_check_job_template()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
BEGIN
  IF NEW.template_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM templates t
    WHERE t.id = NEW.template_id AND (t.org_id = NEW.org_id OR t.is_public)
  ) THEN
    RAISE EXCEPTION 'insert or update on table "jobs" violates foreign key constraint "jobs_template_visible"'
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'jobs_template_visible', TABLE = 'jobs',
            DETAIL = format('Template %s is neither public nor of org %s.', NEW.template_id, NEW.org_id);
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER jobs_template_visible
  AFTER INSERT OR UPDATE OF template_id, org_id ON jobs
  FOR EACH ROW EXECUTE FUNCTION fenta_check_job_template();

-- Quota counters are BIGINT ---------------------------------------------------
-- An org's monthly tokens pass 2^31 (2.1 billion) well before any other
-- limit does; so can its KAI credits and render-second limits. The job's
-- cost totals add up the same units. Render seconds used stay DECIMAL(10, 2).
ALTER TABLE quota_limits
  ALTER COLUMN tokens_limit         TYPE bigint,
  ALTER COLUMN render_seconds_limit TYPE bigint,
  ALTER COLUMN kai_credits_limit    TYPE bigint,
  ALTER COLUMN tokens_used          TYPE bigint,
  ALTER COLUMN kai_credits_used     TYPE bigint;

ALTER TABLE jobs
  ALTER COLUMN cost_tokens      TYPE bigint,
  ALTER COLUMN cost_kai_credits TYPE bigint;

-- check_quota takes bigint amounts. CREATE OR REPLACE cannot change the types
-- of arguments, so the integer version goes and this one takes its place;
-- calls such as check_quota(org, 0, 0, 0) resolve to it unchanged.
-- The rules are those of 00006.
DROP FUNCTION check_quota(text, integer, integer, numeric);

CREATE FUNCTION check_quota(
  p_org_id         text,
  p_tokens         bigint  DEFAULT 0,
  p_kai_credits    bigint  DEFAULT 0,
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

COMMENT ON FUNCTION check_quota(text, bigint, bigint, numeric) IS
  'Whether an org may use that many more tokens, KAI credits and render seconds (limits, then overage and its cap).';

-- 00007 granted every function to fenta_app; a new function needs its own grant.
GRANT EXECUTE ON FUNCTION check_quota(text, bigint, bigint, numeric) TO fenta_app;
