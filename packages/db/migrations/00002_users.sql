-- 00002_users.sql
-- Accounts and tenancy: users, orgs (the tenant every resource belongs to),
-- org_members (who belongs to which org, with which role), api_keys
-- (personal access tokens) and projects (groups of resources inside an org).
--
-- Indexes for these tables are in 00008_indexes.sql.

-- users ---------------------------------------------------------------------
CREATE TABLE users (
  id                VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('user'),
  email             VARCHAR(255) NOT NULL UNIQUE,
  email_verified_at TIMESTAMPTZ,
  password_hash     VARCHAR(255) NOT NULL,
  name              VARCHAR(255) NOT NULL,
  avatar_url        TEXT,
  role              VARCHAR(50)  NOT NULL DEFAULT 'user'
                    CONSTRAINT users_role_check CHECK (role IN ('user', 'admin')),
  status            VARCHAR(50)  NOT NULL DEFAULT 'active'
                    CONSTRAINT users_status_check CHECK (status IN ('active', 'suspended', 'deleted')),
  metadata          JSONB        NOT NULL DEFAULT '{}',
  created_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
  deleted_at        TIMESTAMPTZ
);

COMMENT ON TABLE users IS 'User accounts.';
COMMENT ON COLUMN users.role IS 'Platform role: user, admin. Org roles live in org_members.role.';

-- orgs ----------------------------------------------------------------------
CREATE TABLE orgs (
  id                  VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('org'),
  name                VARCHAR(255) NOT NULL,
  slug                VARCHAR(255) NOT NULL UNIQUE,
  owner_id            VARCHAR(255) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  plan                VARCHAR(50)  NOT NULL DEFAULT 'free'
                      CONSTRAINT orgs_plan_check CHECK (plan IN ('free', 'starter', 'pro', 'enterprise')),
  plan_started_at     TIMESTAMPTZ,
  billing_email       VARCHAR(255),
  billing_customer_id VARCHAR(255),
  stripe_customer_id  VARCHAR(255),
  settings            JSONB        NOT NULL DEFAULT '{}',
  created_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ  NOT NULL DEFAULT now(),
  deleted_at          TIMESTAMPTZ
);

COMMENT ON TABLE orgs IS 'Organizations: the tenant every resource belongs to.';
COMMENT ON COLUMN orgs.billing_customer_id IS 'Customer id at the billing provider.';
COMMENT ON COLUMN orgs.stripe_customer_id IS 'Stripe customer id.';

-- org_members ---------------------------------------------------------------
CREATE TABLE org_members (
  id         VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('member'),
  org_id     VARCHAR(255) NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  user_id    VARCHAR(255) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role       VARCHAR(50)  NOT NULL
             CONSTRAINT org_members_role_check CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
  invited_by VARCHAR(255) REFERENCES users (id) ON DELETE SET NULL,
  joined_at  TIMESTAMPTZ  DEFAULT now(),
  created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT org_members_org_id_user_id_key UNIQUE (org_id, user_id)
);

COMMENT ON TABLE org_members IS 'Membership of users in orgs, with their role in the org.';

-- api_keys ------------------------------------------------------------------
CREATE TABLE api_keys (
  id           VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('key'),
  user_id      VARCHAR(255) NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  org_id       VARCHAR(255) REFERENCES orgs (id) ON DELETE CASCADE,
  name         VARCHAR(255) NOT NULL,
  key_hash     VARCHAR(255) NOT NULL UNIQUE,
  key_prefix   VARCHAR(20)  NOT NULL,
  scopes       JSONB        NOT NULL DEFAULT '[]',
  last_used_at TIMESTAMPTZ,
  expires_at   TIMESTAMPTZ,
  created_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
  revoked_at   TIMESTAMPTZ
);

COMMENT ON TABLE api_keys IS 'Personal access tokens. Only a hash of the key is stored.';
COMMENT ON COLUMN api_keys.key_prefix IS 'The first characters of the key, to tell keys apart.';
COMMENT ON COLUMN api_keys.scopes IS 'e.g. ["workflows:read", "workflows:write", "jobs:execute"]';

-- projects ------------------------------------------------------------------
CREATE TABLE projects (
  id          VARCHAR(255) PRIMARY KEY DEFAULT fenta_id('proj'),
  org_id      VARCHAR(255) NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  name        VARCHAR(255) NOT NULL,
  description TEXT,
  settings    JSONB        NOT NULL DEFAULT '{}',
  created_by  VARCHAR(255) REFERENCES users (id) ON DELETE SET NULL,
  created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  deleted_at  TIMESTAMPTZ
);

COMMENT ON TABLE projects IS 'Projects group resources inside an org.';
