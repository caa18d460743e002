-- 00005_billing.sql
-- Usage and money: usage_records (every billable unit, partitioned by month),
-- quota_limits (monthly limits and counters per org), invoices, credit_packs
-- (prepaid credits), integrations (credentials for outside services),
-- kai_generations (AI generation requests and their cost) and audit_logs
-- (partitioned by month).
--
-- usage_records and audit_logs are partitioned by RANGE (created_at), one
-- partition per calendar month in UTC, named <table>_YYYY_MM. The monthly
-- partitions are made by fenta_create_month_partition() and
-- fenta_ensure_partitions() (00006). Each table also has a DEFAULT partition,
-- so an insert for a month nobody created still succeeds; creating that month
-- later moves its rows out of the default partition.
-- The quota trigger, check_quota() and mv_daily_usage are in 00006.
-- Indexes for these tables are in 00008_indexes.sql.

-- usage_records -------------------------------------------------------------
CREATE TABLE usage_records (
  id                VARCHAR(255)   NOT NULL DEFAULT fenta_id('usage'),
  org_id            VARCHAR(255)   NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  user_id           VARCHAR(255)   REFERENCES users (id) ON DELETE SET NULL,
  job_id            VARCHAR(255)   REFERENCES jobs (id) ON DELETE SET NULL,
  node_id           VARCHAR(255),
  idempotency_key   VARCHAR(255),

  resource_type     VARCHAR(50)    NOT NULL
                    CONSTRAINT usage_records_resource_type_check
                    CHECK (resource_type IN ('llm_tokens', 'kai_credits', 'render_seconds', 'storage')),

  -- LLM
  llm_tokens_prompt INTEGER,
  llm_tokens_output INTEGER,
  llm_model         VARCHAR(100),

  -- KAI
  kai_credits       INTEGER,
  kai_model         VARCHAR(100),

  -- render
  render_seconds    DECIMAL(10, 2),
  render_profile    VARCHAR(50),

  -- storage
  storage_bytes     BIGINT,

  cost_usd          DECIMAL(10, 4) NOT NULL,

  created_at        TIMESTAMPTZ    NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ    NOT NULL DEFAULT now(),

  -- A primary key of a partitioned table must include the partition key.
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

COMMENT ON TABLE usage_records IS 'Billable usage, one row per unit of work. Partitioned by month (UTC).';
COMMENT ON COLUMN usage_records.node_id IS 'The workflow node that used the resource.';
COMMENT ON COLUMN usage_records.idempotency_key IS
  'job:node:resource, so a retried node is never counted twice. Not unique in the database '
  '(a unique index on a partitioned table must include created_at): the engine checks it.';

CREATE TABLE usage_records_default PARTITION OF usage_records DEFAULT;

-- quota_limits --------------------------------------------------------------
-- A NULL limit means unlimited. The *_used counters and overage_used_usd
-- cover the period that ends at reset_at; they are zeroed when a usage record
-- arrives after reset_at (see update_quota_usage() in 00006).
CREATE TABLE quota_limits (
  id                   VARCHAR(255)   PRIMARY KEY DEFAULT fenta_id('quota'),
  org_id               VARCHAR(255)   NOT NULL UNIQUE REFERENCES orgs (id) ON DELETE CASCADE,

  -- monthly limits (NULL = unlimited)
  tokens_limit         INTEGER,
  render_seconds_limit INTEGER,
  kai_credits_limit    INTEGER,
  storage_bytes_limit  BIGINT,

  -- usage in the current period
  tokens_used          INTEGER        NOT NULL DEFAULT 0,
  render_seconds_used  DECIMAL(10, 2) NOT NULL DEFAULT 0,
  kai_credits_used     INTEGER        NOT NULL DEFAULT 0,
  storage_bytes_used   BIGINT         NOT NULL DEFAULT 0,

  -- overage
  allow_overage        BOOLEAN        NOT NULL DEFAULT false,
  overage_cap_usd      DECIMAL(10, 2),
  overage_used_usd     DECIMAL(10, 4) NOT NULL DEFAULT 0,

  -- end of the current period: the first day of next month, UTC
  reset_at             TIMESTAMPTZ    NOT NULL
                       DEFAULT ((date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC'),

  created_at           TIMESTAMPTZ    NOT NULL DEFAULT now(),
  updated_at           TIMESTAMPTZ    NOT NULL DEFAULT now()
);

COMMENT ON TABLE quota_limits IS 'Monthly quota limits and usage counters of an org.';
COMMENT ON COLUMN quota_limits.allow_overage IS 'Whether work may go on past a limit, billed as overage.';
COMMENT ON COLUMN quota_limits.overage_cap_usd IS 'Most overage the org accepts per period; NULL = no cap.';
COMMENT ON COLUMN quota_limits.overage_used_usd IS 'Cost of the usage beyond the limits in the current period.';

-- invoices ------------------------------------------------------------------
CREATE TABLE invoices (
  id                VARCHAR(255)   PRIMARY KEY DEFAULT fenta_id('inv'),
  org_id            VARCHAR(255)   NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  stripe_invoice_id VARCHAR(255)   UNIQUE,
  amount_usd        DECIMAL(10, 2) NOT NULL,
  status            VARCHAR(50)    NOT NULL
                    CONSTRAINT invoices_status_check CHECK (status IN ('draft', 'open', 'paid', 'void')),
  period_start      DATE           NOT NULL,
  period_end        DATE           NOT NULL,
  line_items        JSONB          NOT NULL DEFAULT '[]',
  paid_at           TIMESTAMPTZ,
  created_at        TIMESTAMPTZ    NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ    NOT NULL DEFAULT now(),
  CONSTRAINT invoices_period_check CHECK (period_end >= period_start)
);

COMMENT ON TABLE invoices IS 'Billing invoices (Stripe).';

-- credit_packs --------------------------------------------------------------
CREATE TABLE credit_packs (
  id                VARCHAR(255)   PRIMARY KEY DEFAULT fenta_id('pack'),
  org_id            VARCHAR(255)   NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  pack_type         VARCHAR(50)    NOT NULL,
  credits_purchased INTEGER        NOT NULL
                    CONSTRAINT credit_packs_credits_purchased_check CHECK (credits_purchased >= 0),
  credits_remaining INTEGER        NOT NULL,
  price_usd         DECIMAL(10, 2) NOT NULL,
  stripe_payment_id VARCHAR(255)   UNIQUE,
  expires_at        TIMESTAMPTZ,
  created_at        TIMESTAMPTZ    NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ    NOT NULL DEFAULT now(),
  CONSTRAINT credit_packs_credits_remaining_check
    CHECK (credits_remaining >= 0 AND credits_remaining <= credits_purchased)
);

COMMENT ON TABLE credit_packs IS 'Prepaid credit packs bought by an org.';

-- integrations --------------------------------------------------------------
CREATE TABLE integrations (
  id           VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('int'),
  org_id       VARCHAR(255) NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  provider     VARCHAR(100) NOT NULL,
  status       VARCHAR(50)  NOT NULL DEFAULT 'active'
               CONSTRAINT integrations_status_check CHECK (status IN ('active', 'expired', 'revoked')),
  credentials  JSONB        NOT NULL,
  config       JSONB        NOT NULL DEFAULT '{}',
  last_used_at TIMESTAMPTZ,
  expires_at   TIMESTAMPTZ,
  created_by   VARCHAR(255) REFERENCES users (id) ON DELETE SET NULL,
  created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ  NOT NULL DEFAULT now()
);

COMMENT ON TABLE integrations IS 'Connections to outside services and their (encrypted) credentials.';
COMMENT ON COLUMN integrations.provider IS 'e.g. kai, openai, pexels, youtube, tiktok, stripe';
COMMENT ON COLUMN integrations.credentials IS 'Encrypted by the application before it is stored.';

-- kai_generations -----------------------------------------------------------
CREATE TABLE kai_generations (
  id               VARCHAR(255)   PRIMARY KEY DEFAULT fenta_id('gen'),
  org_id           VARCHAR(255)   NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  job_id           VARCHAR(255)   REFERENCES jobs (id) ON DELETE SET NULL,
  type             VARCHAR(50)    NOT NULL
                   CONSTRAINT kai_generations_type_check
                   CHECK (type IN ('image', 'video', 'edit', 'voice', 'music')),
  model            VARCHAR(100),
  prompt           TEXT           NOT NULL,
  params           JSONB          NOT NULL DEFAULT '{}',
  status           VARCHAR(50)    NOT NULL DEFAULT 'queued'
                   CONSTRAINT kai_generations_status_check
                   CHECK (status IN ('queued', 'processing', 'completed', 'failed')),
  result_asset_ids TEXT[],
  credits_used     INTEGER        NOT NULL DEFAULT 0,
  cost_usd         DECIMAL(10, 4) NOT NULL DEFAULT 0,
  external_id      VARCHAR(255),
  external_task_id VARCHAR(255),
  created_by       VARCHAR(255)   REFERENCES users (id) ON DELETE SET NULL,
  created_at       TIMESTAMPTZ    NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ    NOT NULL DEFAULT now(),
  completed_at     TIMESTAMPTZ
);

COMMENT ON TABLE kai_generations IS 'AI generation requests (KIE.ai) and their cost.';
COMMENT ON COLUMN kai_generations.model IS 'e.g. flux-pro, sora, veo, minimax, bio3';
COMMENT ON COLUMN kai_generations.result_asset_ids IS 'Ids of the assets the generation produced.';
COMMENT ON COLUMN kai_generations.external_id IS 'The provider''s generation id.';
COMMENT ON COLUMN kai_generations.external_task_id IS 'The provider''s task id.';

-- audit_logs ----------------------------------------------------------------
CREATE TABLE audit_logs (
  id            VARCHAR(255) NOT NULL DEFAULT fenta_id('audit'),
  org_id        VARCHAR(255) REFERENCES orgs (id) ON DELETE SET NULL,
  user_id       VARCHAR(255) REFERENCES users (id) ON DELETE SET NULL,
  action        VARCHAR(100) NOT NULL,
  resource_type VARCHAR(100) NOT NULL,
  resource_id   VARCHAR(255),
  ip_address    INET,
  user_agent    TEXT,
  changes       JSONB,
  metadata      JSONB        NOT NULL DEFAULT '{}',
  created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

COMMENT ON TABLE audit_logs IS 'Audit trail of sensitive operations. Partitioned by month (UTC).';
COMMENT ON COLUMN audit_logs.action IS 'e.g. create, update, delete, execute';
COMMENT ON COLUMN audit_logs.resource_type IS 'e.g. workflow, template, job, user';
COMMENT ON COLUMN audit_logs.changes IS 'State before and after.';

CREATE TABLE audit_logs_default PARTITION OF audit_logs DEFAULT;
