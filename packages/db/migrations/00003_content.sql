-- 00003_content.sql
-- What videos are made from: templates (montage layouts), workflows (node
-- graphs) with their version history, and assets (media files) with theirs.
--
-- Indexes for these tables are in 00008_indexes.sql.

-- templates -----------------------------------------------------------------
-- Public templates (is_public = true) shipped with Fenta have org_id NULL.
CREATE TABLE templates (
  id            VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('tmpl'),
  org_id        VARCHAR(255) REFERENCES orgs (id) ON DELETE CASCADE,
  project_id    VARCHAR(255) REFERENCES projects (id) ON DELETE CASCADE,
  name          VARCHAR(255) NOT NULL,
  description   TEXT,
  aspect        VARCHAR(10)  NOT NULL,
  resolution    VARCHAR(20)  NOT NULL,
  is_public     BOOLEAN      NOT NULL DEFAULT false,
  thumbnail_url TEXT,
  spec          JSONB        NOT NULL,
  usage_count   INTEGER      NOT NULL DEFAULT 0,
  created_by    VARCHAR(255) REFERENCES users (id) ON DELETE SET NULL,
  created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
  deleted_at    TIMESTAMPTZ
);

COMMENT ON TABLE templates IS 'Video montage templates: tracks, overlays, placeholders and cutting rules.';
COMMENT ON COLUMN templates.aspect IS 'e.g. 9:16, 16:9, 1:1, 4:5';
COMMENT ON COLUMN templates.resolution IS 'e.g. 1080x1920';
COMMENT ON COLUMN templates.spec IS
  '{"tracks": [...], "overlays": [...], "placeholders": {...}, "rules": {...}, "subtitle_style_presets": [...]}';

-- workflows -----------------------------------------------------------------
CREATE TABLE workflows (
  id          VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('wf'),
  org_id      VARCHAR(255) NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  project_id  VARCHAR(255) REFERENCES projects (id) ON DELETE SET NULL,
  name        VARCHAR(255) NOT NULL,
  description TEXT,
  status      VARCHAR(50)  NOT NULL DEFAULT 'draft'
              CONSTRAINT workflows_status_check
              CHECK (status IN ('draft', 'confirmed', 'preview', 'production', 'archived')),
  graph       JSONB        NOT NULL,
  variables   JSONB        NOT NULL DEFAULT '{}',
  run_count   INTEGER      NOT NULL DEFAULT 0,
  last_run_at TIMESTAMPTZ,
  created_by  VARCHAR(255) REFERENCES users (id) ON DELETE SET NULL,
  created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  deleted_at  TIMESTAMPTZ
);

COMMENT ON TABLE workflows IS 'Workflow graphs that produce videos.';
COMMENT ON COLUMN workflows.graph IS
  '{"nodes": [{"id", "type", "params", "position"}], "edges": [{"id", "from", "to", "fromPort", "toPort"}]}';
COMMENT ON COLUMN workflows.variables IS 'Workflow-level variables.';

-- workflow_versions ---------------------------------------------------------
CREATE TABLE workflow_versions (
  id          VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('ver'),
  workflow_id VARCHAR(255) NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  version     INTEGER      NOT NULL,
  graph       JSONB        NOT NULL,
  variables   JSONB        NOT NULL DEFAULT '{}',
  created_by  VARCHAR(255) REFERENCES users (id) ON DELETE SET NULL,
  created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT workflow_versions_workflow_id_version_key UNIQUE (workflow_id, version)
);

COMMENT ON TABLE workflow_versions IS 'Version history of workflow graphs.';

-- assets --------------------------------------------------------------------
CREATE TABLE assets (
  id               VARCHAR(255)  PRIMARY KEY DEFAULT fenta_id('asset'),
  org_id           VARCHAR(255)  NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  project_id       VARCHAR(255)  REFERENCES projects (id) ON DELETE SET NULL,

  type             VARCHAR(50)   NOT NULL
                   CONSTRAINT assets_type_check CHECK (type IN ('image', 'video', 'audio')),
  source           VARCHAR(50)   NOT NULL
                   CONSTRAINT assets_source_check CHECK (source IN ('upload', 'stock', 'kai', 'generated')),

  -- storage
  storage_provider VARCHAR(50)   NOT NULL DEFAULT 's3',
  storage_key      TEXT          NOT NULL,
  storage_path     TEXT,
  storage_bucket   VARCHAR(255),
  url              TEXT,
  thumbnail_url    TEXT,

  -- file and media properties
  filename         VARCHAR(255),
  content_type     VARCHAR(100),
  size_bytes       BIGINT,
  duration_seconds DECIMAL(10, 2),
  width            INTEGER,
  height           INTEGER,
  fps              DECIMAL(5, 2),
  codec            VARCHAR(50),

  metadata         JSONB         NOT NULL DEFAULT '{}',
  status           VARCHAR(50)   NOT NULL DEFAULT 'processing'
                   CONSTRAINT assets_status_check CHECK (status IN ('processing', 'ready', 'failed')),

  created_by       VARCHAR(255)  REFERENCES users (id) ON DELETE SET NULL,
  created_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
  deleted_at       TIMESTAMPTZ
);

COMMENT ON TABLE assets IS 'Media files: uploads, stock footage, AI generations.';
COMMENT ON COLUMN assets.storage_provider IS 'e.g. s3, cloudflare-r2, supabase';
COMMENT ON COLUMN assets.storage_key IS 'Object key at the storage provider.';
COMMENT ON COLUMN assets.storage_path IS 'Path in Supabase Storage, when the asset lives there.';
COMMENT ON COLUMN assets.metadata IS
  '{"source_url", "provider_id", "generation_params", "tags", "extracted_colors"}';

-- asset_versions ------------------------------------------------------------
CREATE TABLE asset_versions (
  id          VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('aver'),
  asset_id    VARCHAR(255) NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  version     INTEGER      NOT NULL,
  storage_key TEXT         NOT NULL,
  url         TEXT,
  metadata    JSONB        NOT NULL DEFAULT '{}',
  created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT asset_versions_asset_id_version_key UNIQUE (asset_id, version)
);

COMMENT ON TABLE asset_versions IS 'Version history of assets, e.g. edited versions.';
