-- 00008_indexes.sql
-- Indexes: every foreign key column (as the first column of an index, so
-- deletes of the parent and joins stay cheap), status/type columns,
-- created_at, GIN on the JSONB documents that get queried (templates.spec,
-- workflows.graph, assets.metadata, jobs.config), composite indexes for
-- org-scoped lists, and partial indexes for rows not soft-deleted, valid API
-- keys, due schedules and pending webhook deliveries.
--
-- An index a UNIQUE constraint already provides is not made twice:
-- quota_limits(org_id) (idx_quota_limits_org in the database documentation),
-- invoices(stripe_invoice_id) (idx_invoices_stripe), jobs(schedule_id) (by
-- UNIQUE (schedule_id, scheduled_for)) and job_nodes(job_id) (by
-- UNIQUE (job_id, node_id)). Where the documentation names one index twice,
-- it is made once, under the name used here, and the other name is noted.
-- Indexes on usage_records and audit_logs are made on the partitioned table
-- and so exist on each partition, present and future.
-- The unique index of mv_daily_usage is in 00006 with the view.

-- users --------------------------------------------------------------------
CREATE INDEX idx_users_email ON users (email) WHERE deleted_at IS NULL;
CREATE INDEX idx_users_status ON users (status);
CREATE INDEX idx_users_created_at ON users (created_at);

-- orgs ---------------------------------------------------------------------
CREATE INDEX idx_orgs_owner ON orgs (owner_id);
CREATE INDEX idx_orgs_slug ON orgs (slug) WHERE deleted_at IS NULL;
CREATE INDEX idx_orgs_plan ON orgs (plan);

-- org_members --------------------------------------------------------------
CREATE INDEX idx_org_members_org ON org_members (org_id);
CREATE INDEX idx_org_members_user ON org_members (user_id);
CREATE INDEX idx_org_members_role ON org_members (role);
CREATE INDEX idx_org_members_invited_by ON org_members (invited_by);

-- api_keys -----------------------------------------------------------------
CREATE INDEX idx_api_keys_user ON api_keys (user_id);
CREATE INDEX idx_api_keys_org ON api_keys (org_id);
-- Key lookup on each API request, among keys not revoked. (Called
-- idx_api_keys_hash in the database documentation; it is made once.)
CREATE INDEX idx_api_keys_valid ON api_keys (key_hash) WHERE revoked_at IS NULL;

-- projects -----------------------------------------------------------------
CREATE INDEX idx_projects_org ON projects (org_id);
CREATE INDEX idx_projects_created_by ON projects (created_by);
CREATE INDEX idx_projects_active ON projects (org_id) WHERE deleted_at IS NULL;

-- templates ----------------------------------------------------------------
CREATE INDEX idx_templates_org ON templates (org_id);
CREATE INDEX idx_templates_project ON templates (project_id);
CREATE INDEX idx_templates_created_by ON templates (created_by);
CREATE INDEX idx_templates_aspect ON templates (aspect);
CREATE INDEX idx_templates_public ON templates (is_public) WHERE is_public = true;
CREATE INDEX idx_templates_active ON templates (org_id) WHERE deleted_at IS NULL;
CREATE INDEX idx_templates_spec ON templates USING gin (spec);

-- workflows ----------------------------------------------------------------
CREATE INDEX idx_workflows_org ON workflows (org_id);
CREATE INDEX idx_workflows_project ON workflows (project_id);
CREATE INDEX idx_workflows_created_by ON workflows (created_by);
CREATE INDEX idx_workflows_status ON workflows (status);
CREATE INDEX idx_workflows_active ON workflows (org_id) WHERE deleted_at IS NULL;
CREATE INDEX idx_workflows_graph ON workflows USING gin (graph);

-- workflow_versions --------------------------------------------------------
CREATE INDEX idx_workflow_versions_workflow ON workflow_versions (workflow_id);
CREATE INDEX idx_workflow_versions_created_by ON workflow_versions (created_by);

-- assets -------------------------------------------------------------------
CREATE INDEX idx_assets_org ON assets (org_id);
CREATE INDEX idx_assets_project ON assets (project_id);
CREATE INDEX idx_assets_created_by ON assets (created_by);
CREATE INDEX idx_assets_type ON assets (type);
CREATE INDEX idx_assets_source ON assets (source);
CREATE INDEX idx_assets_status ON assets (status);
CREATE INDEX idx_assets_active ON assets (org_id) WHERE deleted_at IS NULL;
CREATE INDEX idx_assets_metadata ON assets USING gin (metadata);

-- asset_versions -----------------------------------------------------------
CREATE INDEX idx_asset_versions_asset ON asset_versions (asset_id);

-- schedules ----------------------------------------------------------------
CREATE INDEX idx_schedules_org ON schedules (org_id);
CREATE INDEX idx_schedules_workflow ON schedules (workflow_id);
CREATE INDEX idx_schedules_created_by ON schedules (created_by);
-- Which schedules are due. (The same index is called idx_schedules_next_run
-- in the database documentation; it is made once.)
CREATE INDEX idx_schedules_enabled ON schedules (next_run_at) WHERE enabled = true;

-- jobs ---------------------------------------------------------------------
-- jobs(schedule_id) is covered by UNIQUE (schedule_id, scheduled_for).
CREATE INDEX idx_jobs_org ON jobs (org_id);
CREATE INDEX idx_jobs_project ON jobs (project_id);
CREATE INDEX idx_jobs_workflow ON jobs (workflow_id);
CREATE INDEX idx_jobs_template ON jobs (template_id);
CREATE INDEX idx_jobs_parent_job ON jobs (parent_job_id);
CREATE INDEX idx_jobs_created_by ON jobs (created_by);
CREATE INDEX idx_jobs_status ON jobs (status);
CREATE INDEX idx_jobs_created_at ON jobs (created_at DESC);
CREATE INDEX idx_jobs_org_status ON jobs (org_id, status);
CREATE INDEX idx_jobs_config ON jobs USING gin (config);

-- job_logs -----------------------------------------------------------------
-- A job's log in order.
CREATE INDEX idx_job_logs_job ON job_logs (job_id, created_at);
CREATE INDEX idx_job_logs_level ON job_logs (level);
CREATE INDEX idx_job_logs_created_at ON job_logs (created_at);

-- job_nodes ----------------------------------------------------------------
-- job_nodes(job_id) is covered by UNIQUE (job_id, node_id).
CREATE INDEX idx_job_nodes_org ON job_nodes (org_id);
CREATE INDEX idx_job_nodes_status ON job_nodes (status);

-- renders ------------------------------------------------------------------
CREATE INDEX idx_renders_job ON renders (job_id);

-- webhooks -----------------------------------------------------------------
CREATE INDEX idx_webhooks_org ON webhooks (org_id);
CREATE INDEX idx_webhooks_created_by ON webhooks (created_by);

-- webhook_deliveries -------------------------------------------------------
CREATE INDEX idx_webhook_deliveries_webhook ON webhook_deliveries (webhook_id);
CREATE INDEX idx_webhook_deliveries_status ON webhook_deliveries (status);
-- Deliveries waiting for a retry. (Called idx_webhook_deliveries_next_retry
-- in the database documentation; it is made once.)
CREATE INDEX idx_webhook_deliveries_pending ON webhook_deliveries (next_retry_at) WHERE status = 'pending';

-- usage_records (partitioned) ----------------------------------------------
-- Usage of an org over time. (Called idx_usage_records_org in the database
-- documentation; it is made once.)
CREATE INDEX idx_usage_records_org_date ON usage_records (org_id, created_at);
CREATE INDEX idx_usage_records_user ON usage_records (user_id);
CREATE INDEX idx_usage_records_job ON usage_records (job_id);
CREATE INDEX idx_usage_records_resource ON usage_records (resource_type);
-- The engine looks a key up before it records usage, so a retried node is
-- not counted twice.
CREATE INDEX idx_usage_records_idempotency_key ON usage_records (idempotency_key);

-- quota_limits -------------------------------------------------------------
-- quota_limits(org_id) is covered by its UNIQUE constraint.

-- invoices -----------------------------------------------------------------
CREATE INDEX idx_invoices_org ON invoices (org_id);
CREATE INDEX idx_invoices_period ON invoices (period_start, period_end);

-- credit_packs -------------------------------------------------------------
CREATE INDEX idx_credit_packs_org ON credit_packs (org_id);
-- Packs with credits left, to spend from.
CREATE INDEX idx_credit_packs_available ON credit_packs (org_id) WHERE credits_remaining > 0;

-- integrations -------------------------------------------------------------
CREATE INDEX idx_integrations_org ON integrations (org_id);
CREATE INDEX idx_integrations_provider ON integrations (provider);
CREATE INDEX idx_integrations_created_by ON integrations (created_by);

-- kai_generations ----------------------------------------------------------
CREATE INDEX idx_kai_generations_org ON kai_generations (org_id);
CREATE INDEX idx_kai_generations_job ON kai_generations (job_id);
CREATE INDEX idx_kai_generations_created_by ON kai_generations (created_by);
CREATE INDEX idx_kai_generations_status ON kai_generations (status);
CREATE INDEX idx_kai_generations_external ON kai_generations (external_id);
CREATE INDEX idx_kai_generations_external_task ON kai_generations (external_task_id);

-- audit_logs (partitioned) -------------------------------------------------
CREATE INDEX idx_audit_logs_org ON audit_logs (org_id, created_at);
CREATE INDEX idx_audit_logs_user ON audit_logs (user_id);
CREATE INDEX idx_audit_logs_resource ON audit_logs (resource_type, resource_id);
