-- 00004_jobs.sql
-- Running workflows: schedules (cron triggers), jobs (one run of a workflow
-- or a direct render request), job_logs, job_nodes (the per-node checkpoints
-- a job resumes from), renders (the output files), and webhooks with their
-- deliveries.
--
-- schedules is created before jobs because jobs references it.
-- Indexes for these tables are in 00008_indexes.sql.

-- schedules -----------------------------------------------------------------
CREATE TABLE schedules (
  id          VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('sched'),
  org_id      VARCHAR(255) NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  workflow_id VARCHAR(255) NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  cron        VARCHAR(255) NOT NULL,
  timezone    VARCHAR(100) NOT NULL DEFAULT 'UTC',
  enabled     BOOLEAN      NOT NULL DEFAULT true,
  last_run_at TIMESTAMPTZ,
  next_run_at TIMESTAMPTZ,
  run_count   INTEGER      NOT NULL DEFAULT 0,
  created_by  VARCHAR(255) REFERENCES users (id) ON DELETE SET NULL,
  created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

COMMENT ON TABLE schedules IS 'Cron schedules that run a workflow.';
COMMENT ON COLUMN schedules.cron IS 'Cron expression, e.g. 0 10 * * *';
COMMENT ON COLUMN schedules.timezone IS 'IANA time zone the cron expression is read in.';

-- jobs ----------------------------------------------------------------------
CREATE TABLE jobs (
  id                  VARCHAR(255)   PRIMARY KEY DEFAULT fenta_id('job'),
  org_id              VARCHAR(255)   NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  project_id          VARCHAR(255)   REFERENCES projects (id) ON DELETE SET NULL,
  workflow_id         VARCHAR(255)   REFERENCES workflows (id) ON DELETE SET NULL,
  template_id         VARCHAR(255)   REFERENCES templates (id) ON DELETE SET NULL,
  schedule_id         VARCHAR(255)   REFERENCES schedules (id) ON DELETE SET NULL,
  scheduled_for       TIMESTAMPTZ,
  idempotency_key     VARCHAR(255),

  status              VARCHAR(50)    NOT NULL DEFAULT 'queued'
                      CONSTRAINT jobs_status_check
                      CHECK (status IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
  progress            INTEGER        NOT NULL DEFAULT 0
                      CONSTRAINT jobs_progress_check CHECK (progress BETWEEN 0 AND 100),

  config              JSONB          NOT NULL,
  result              JSONB,
  error               JSONB,

  -- cost
  cost_tokens         INTEGER        NOT NULL DEFAULT 0,
  cost_render_seconds DECIMAL(10, 2) NOT NULL DEFAULT 0,
  cost_kai_credits    INTEGER        NOT NULL DEFAULT 0,
  cost_total_usd      DECIMAL(10, 4) NOT NULL DEFAULT 0,

  -- timing
  queued_at           TIMESTAMPTZ    DEFAULT now(),
  started_at          TIMESTAMPTZ,
  completed_at        TIMESTAMPTZ,
  cancel_requested_at TIMESTAMPTZ,

  -- retries
  retry_count         INTEGER        NOT NULL DEFAULT 0,
  parent_job_id       VARCHAR(255)   REFERENCES jobs (id) ON DELETE SET NULL,

  created_by          VARCHAR(255)   REFERENCES users (id) ON DELETE SET NULL,
  created_at          TIMESTAMPTZ    NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ    NOT NULL DEFAULT now(),

  -- A client that retries a request with the same key gets the same job.
  CONSTRAINT jobs_org_id_idempotency_key_key UNIQUE (org_id, idempotency_key),
  -- A schedule fires at most once for a given time, however many schedulers run.
  CONSTRAINT jobs_schedule_id_scheduled_for_key UNIQUE (schedule_id, scheduled_for)
);

COMMENT ON TABLE jobs IS 'Render jobs: one run of a workflow, or a direct render request.';
COMMENT ON COLUMN jobs.config IS '{"sources", "script", "tts", "subtitles", "output"}';
COMMENT ON COLUMN jobs.result IS '{"video_url", "thumbnail_url", "srt_url", "duration"}';
COMMENT ON COLUMN jobs.idempotency_key IS 'Unique per org; set by the client to make job creation idempotent.';
COMMENT ON COLUMN jobs.scheduled_for IS 'For jobs started by a schedule: the time slot they run for.';
COMMENT ON COLUMN jobs.cancel_requested_at IS 'Set when cancellation is asked for; the worker stops at the next node.';

-- job_logs ------------------------------------------------------------------
CREATE TABLE job_logs (
  id         VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('log'),
  job_id     VARCHAR(255) NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  level      VARCHAR(20)  NOT NULL
             CONSTRAINT job_logs_level_check CHECK (level IN ('debug', 'info', 'warn', 'error')),
  stage      VARCHAR(100),
  message    TEXT         NOT NULL,
  data       JSONB,
  created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);

COMMENT ON TABLE job_logs IS 'Execution logs of jobs.';
COMMENT ON COLUMN job_logs.stage IS 'e.g. ingest, script, tts, subtitle, edit, export';

-- job_nodes -----------------------------------------------------------------
CREATE TABLE job_nodes (
  id           VARCHAR(255)   PRIMARY KEY DEFAULT fenta_id('jnode'),
  job_id       VARCHAR(255)   NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  org_id       VARCHAR(255)   NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  node_id      VARCHAR(255)   NOT NULL,
  node_type    VARCHAR(100),
  status       VARCHAR(50)    NOT NULL DEFAULT 'pending'
               CONSTRAINT job_nodes_status_check
               CHECK (status IN ('pending', 'running', 'completed', 'failed', 'skipped')),
  attempt      INTEGER        NOT NULL DEFAULT 0,
  output       JSONB,
  error        JSONB,
  started_at   TIMESTAMPTZ,
  completed_at TIMESTAMPTZ,
  duration_ms  INTEGER,
  cost_usd     DECIMAL(10, 4) NOT NULL DEFAULT 0,
  usage        JSONB          NOT NULL DEFAULT '{}',
  created_at   TIMESTAMPTZ    NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ    NOT NULL DEFAULT now(),
  CONSTRAINT job_nodes_job_id_node_id_key UNIQUE (job_id, node_id)
);

COMMENT ON TABLE job_nodes IS
  'Per-node checkpoints of a job: a retried or resumed job skips the nodes that completed.';
COMMENT ON COLUMN job_nodes.node_id IS 'The id of the node in the workflow graph.';

-- renders -------------------------------------------------------------------
CREATE TABLE renders (
  id                 VARCHAR(255)   PRIMARY KEY DEFAULT fenta_id('render'),
  job_id             VARCHAR(255)   NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,

  -- output files
  video_url          TEXT           NOT NULL,
  video_storage_path TEXT,
  thumbnail_url      TEXT,
  srt_url            TEXT,

  -- video properties
  duration_seconds   DECIMAL(10, 2),
  resolution         VARCHAR(20),
  file_size_bytes    BIGINT,
  codec              VARCHAR(50),
  bitrate_kbps       INTEGER,
  fps                DECIMAL(5, 2),

  metadata           JSONB          NOT NULL DEFAULT '{}',
  created_at         TIMESTAMPTZ    NOT NULL DEFAULT now(),
  updated_at         TIMESTAMPTZ    NOT NULL DEFAULT now()
);

COMMENT ON TABLE renders IS 'Final render artifacts of jobs.';

-- webhooks ------------------------------------------------------------------
CREATE TABLE webhooks (
  id         VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('hook'),
  org_id     VARCHAR(255) NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  url        TEXT         NOT NULL,
  events     TEXT[]       NOT NULL,
  secret     VARCHAR(255) NOT NULL,
  enabled    BOOLEAN      NOT NULL DEFAULT true,
  created_by VARCHAR(255) REFERENCES users (id) ON DELETE SET NULL,
  created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);

COMMENT ON TABLE webhooks IS 'Webhook endpoints of an org.';
COMMENT ON COLUMN webhooks.events IS 'e.g. {render.succeeded, render.failed, workflow.run.finished}';
COMMENT ON COLUMN webhooks.secret IS 'Key of the HMAC signature sent with every delivery.';

-- webhook_deliveries --------------------------------------------------------
CREATE TABLE webhook_deliveries (
  id              VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('delivery'),
  webhook_id      VARCHAR(255) NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event           VARCHAR(100) NOT NULL,
  payload         JSONB        NOT NULL,
  status          VARCHAR(50)  NOT NULL DEFAULT 'pending'
                  CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'success', 'failed')),
  http_status     INTEGER,
  response_body   TEXT,
  attempts        INTEGER      NOT NULL DEFAULT 0,
  last_attempt_at TIMESTAMPTZ,
  next_retry_at   TIMESTAMPTZ,
  created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
);

COMMENT ON TABLE webhook_deliveries IS 'Each delivery of an event to a webhook, with its retries.';
