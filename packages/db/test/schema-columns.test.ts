import { createTestDatabase, type TestDatabase } from './test-database';

// The shape of the schema, as data: every table, every column, its type as
// PostgreSQL prints it (format_type) and whether it is NOT NULL.
const V = (length: number) => `character varying(${length})`;
const N = (precision: number, scale: number) => `numeric(${precision},${scale})`;
const TS = 'timestamp with time zone';
const nn = (type: string) => `${type} not null`;

const ID = nn(V(255));
const REF = V(255);
const timestamps = { created_at: nn(TS), updated_at: nn(TS) };

const expectedColumns: Record<string, Record<string, string>> = {
  users: {
    id: ID,
    email: nn(V(255)),
    email_verified_at: TS,
    password_hash: nn(V(255)),
    name: nn(V(255)),
    avatar_url: 'text',
    role: nn(V(50)),
    status: nn(V(50)),
    metadata: nn('jsonb'),
    ...timestamps,
    deleted_at: TS,
  },
  orgs: {
    id: ID,
    name: nn(V(255)),
    slug: nn(V(255)),
    owner_id: nn(REF),
    plan: nn(V(50)),
    plan_started_at: TS,
    billing_email: V(255),
    billing_customer_id: V(255),
    stripe_customer_id: V(255),
    settings: nn('jsonb'),
    ...timestamps,
    deleted_at: TS,
  },
  org_members: {
    id: ID,
    org_id: nn(REF),
    user_id: nn(REF),
    role: nn(V(50)),
    invited_by: REF,
    joined_at: TS,
    ...timestamps,
  },
  api_keys: {
    id: ID,
    user_id: nn(REF),
    org_id: REF,
    name: nn(V(255)),
    key_hash: nn(V(255)),
    key_prefix: nn(V(20)),
    scopes: nn('jsonb'),
    last_used_at: TS,
    expires_at: TS,
    ...timestamps,
    revoked_at: TS,
  },
  projects: {
    id: ID,
    org_id: nn(REF),
    name: nn(V(255)),
    description: 'text',
    settings: nn('jsonb'),
    created_by: REF,
    ...timestamps,
    deleted_at: TS,
  },
  templates: {
    id: ID,
    org_id: REF,
    project_id: REF,
    name: nn(V(255)),
    description: 'text',
    aspect: nn(V(10)),
    resolution: nn(V(20)),
    is_public: nn('boolean'),
    thumbnail_url: 'text',
    spec: nn('jsonb'),
    usage_count: nn('integer'),
    created_by: REF,
    ...timestamps,
    deleted_at: TS,
  },
  workflows: {
    id: ID,
    org_id: nn(REF),
    project_id: REF,
    name: nn(V(255)),
    description: 'text',
    status: nn(V(50)),
    graph: nn('jsonb'),
    variables: nn('jsonb'),
    run_count: nn('integer'),
    last_run_at: TS,
    created_by: REF,
    ...timestamps,
    deleted_at: TS,
  },
  workflow_versions: {
    id: ID,
    workflow_id: nn(REF),
    version: nn('integer'),
    graph: nn('jsonb'),
    variables: nn('jsonb'),
    created_by: REF,
    ...timestamps,
  },
  assets: {
    id: ID,
    org_id: nn(REF),
    project_id: REF,
    type: nn(V(50)),
    source: nn(V(50)),
    storage_provider: nn(V(50)),
    storage_key: nn('text'),
    storage_path: 'text',
    storage_bucket: V(255),
    url: 'text',
    thumbnail_url: 'text',
    filename: V(255),
    content_type: V(100),
    size_bytes: 'bigint',
    duration_seconds: N(10, 2),
    width: 'integer',
    height: 'integer',
    fps: N(5, 2),
    codec: V(50),
    metadata: nn('jsonb'),
    status: nn(V(50)),
    created_by: REF,
    ...timestamps,
    deleted_at: TS,
  },
  asset_versions: {
    id: ID,
    asset_id: nn(REF),
    version: nn('integer'),
    storage_key: nn('text'),
    url: 'text',
    metadata: nn('jsonb'),
    ...timestamps,
  },
  schedules: {
    id: ID,
    org_id: nn(REF),
    workflow_id: nn(REF),
    cron: nn(V(255)),
    timezone: nn(V(100)),
    enabled: nn('boolean'),
    last_run_at: TS,
    next_run_at: TS,
    run_count: nn('integer'),
    created_by: REF,
    ...timestamps,
    // 00019: what the scheduler does about missed ticks and overlapping runs.
    missed_runs: nn(V(20)),
    overlap: nn(V(20)),
  },
  jobs: {
    id: ID,
    org_id: nn(REF),
    project_id: REF,
    workflow_id: REF,
    template_id: REF,
    schedule_id: REF,
    scheduled_for: TS,
    idempotency_key: V(255),
    status: nn(V(50)),
    progress: nn('integer'),
    run_token: V(64),
    lease_expires_at: TS,
    config: nn('jsonb'),
    result: 'jsonb',
    error: 'jsonb',
    cost_tokens: nn('bigint'),
    cost_render_seconds: nn(N(10, 2)),
    cost_kai_credits: nn('bigint'),
    cost_total_usd: nn(N(10, 4)),
    queued_at: TS,
    started_at: TS,
    completed_at: TS,
    cancel_requested_at: TS,
    retry_count: nn('integer'),
    parent_job_id: REF,
    created_by: REF,
    ...timestamps,
    reserved_tokens: nn('bigint'),
    reserved_render_seconds: nn(N(10, 2)),
    reserved_kai_credits: nn('bigint'),
  },
  idempotency_keys: {
    id: ID,
    org_id: nn(REF),
    key: nn(V(255)),
    request_hash: nn(V(64)),
    response_status: nn('integer'),
    response_body: nn('jsonb'),
    job_id: REF,
    expires_at: nn(TS),
    ...timestamps,
  },
  job_events: {
    id: ID,
    job_id: nn(REF),
    org_id: nn(REF),
    seq: nn('integer'),
    type: nn(V(50)),
    data: nn('jsonb'),
    ...timestamps,
  },
  job_logs: {
    id: ID,
    job_id: nn(REF),
    level: nn(V(20)),
    stage: V(100),
    message: nn('text'),
    data: 'jsonb',
    ...timestamps,
  },
  job_nodes: {
    id: ID,
    job_id: nn(REF),
    org_id: nn(REF),
    node_id: nn(V(255)),
    node_type: V(100),
    status: nn(V(50)),
    attempt: nn('integer'),
    output: 'jsonb',
    error: 'jsonb',
    started_at: TS,
    completed_at: TS,
    duration_ms: 'integer',
    cost_usd: nn(N(10, 4)),
    usage: nn('jsonb'),
    ...timestamps,
    reused_from_job_id: REF,
  },
  renders: {
    id: ID,
    job_id: nn(REF),
    video_url: nn('text'),
    video_storage_path: 'text',
    thumbnail_url: 'text',
    srt_url: 'text',
    duration_seconds: N(10, 2),
    resolution: V(20),
    file_size_bytes: 'bigint',
    codec: V(50),
    bitrate_kbps: 'integer',
    fps: N(5, 2),
    metadata: nn('jsonb'),
    ...timestamps,
    thumbnail_storage_path: 'text',
    srt_storage_path: 'text',
    profile: nn(V(50)),
  },
  webhooks: {
    id: ID,
    org_id: nn(REF),
    url: nn('text'),
    events: nn('text[]'),
    secret: nn(V(255)),
    enabled: nn('boolean'),
    created_by: REF,
    // 00020: rotation and the sender's record of the endpoint.
    previous_secret: V(255),
    previous_secret_expires_at: TS,
    failing_since: TS,
    disabled_at: TS,
    disabled_reason: 'text',
    ...timestamps,
  },
  webhook_deliveries: {
    id: ID,
    webhook_id: nn(REF),
    event: nn(V(100)),
    payload: nn('jsonb'),
    status: nn(V(50)),
    http_status: 'integer',
    response_body: 'text',
    attempts: nn('integer'),
    last_attempt_at: TS,
    next_retry_at: TS,
    // 00020: the sender's lease and record, and redeliveries.
    lease_token: 'uuid',
    leased_until: TS,
    last_error: 'text',
    redelivery_of: REF,
    ...timestamps,
  },
  usage_records: {
    id: ID,
    org_id: nn(REF),
    user_id: REF,
    job_id: REF,
    node_id: V(255),
    idempotency_key: V(255),
    resource_type: nn(V(50)),
    llm_tokens_prompt: 'integer',
    llm_tokens_output: 'integer',
    llm_model: V(100),
    kai_credits: 'integer',
    kai_model: V(100),
    render_seconds: N(10, 2),
    render_profile: V(50),
    storage_bytes: 'bigint',
    cost_usd: nn(N(10, 4)),
    ...timestamps,
    // 00022: speech, billed per character synthesized and per minute transcribed.
    tts_characters: 'integer',
    tts_model: V(100),
    transcription_minutes: N(10, 4),
    transcription_model: V(100),
  },
  quota_limits: {
    id: ID,
    org_id: nn(REF),
    tokens_limit: 'bigint',
    render_seconds_limit: 'bigint',
    kai_credits_limit: 'bigint',
    storage_bytes_limit: 'bigint',
    tokens_used: nn('bigint'),
    render_seconds_used: nn(N(10, 2)),
    kai_credits_used: nn('bigint'),
    storage_bytes_used: nn('bigint'),
    allow_overage: nn('boolean'),
    overage_cap_usd: N(10, 2),
    overage_used_usd: nn(N(10, 4)),
    reset_at: nn(TS),
    ...timestamps,
  },
  invoices: {
    id: ID,
    org_id: nn(REF),
    stripe_invoice_id: V(255),
    amount_usd: nn(N(10, 2)),
    status: nn(V(50)),
    period_start: nn('date'),
    period_end: nn('date'),
    line_items: nn('jsonb'),
    paid_at: TS,
    ...timestamps,
  },
  credit_packs: {
    id: ID,
    org_id: nn(REF),
    pack_type: nn(V(50)),
    credits_purchased: nn('integer'),
    credits_remaining: nn('integer'),
    price_usd: nn(N(10, 2)),
    stripe_payment_id: V(255),
    expires_at: TS,
    ...timestamps,
  },
  integrations: {
    id: ID,
    org_id: nn(REF),
    provider: nn(V(100)),
    status: nn(V(50)),
    credentials: nn('jsonb'),
    config: nn('jsonb'),
    last_used_at: TS,
    expires_at: TS,
    created_by: REF,
    ...timestamps,
  },
  kai_generations: {
    id: ID,
    org_id: nn(REF),
    job_id: REF,
    type: nn(V(50)),
    model: V(100),
    prompt: nn('text'),
    params: nn('jsonb'),
    status: nn(V(50)),
    result_asset_ids: 'text[]',
    credits_used: nn('integer'),
    cost_usd: nn(N(10, 4)),
    external_id: V(255),
    external_task_id: V(255),
    created_by: REF,
    ...timestamps,
    completed_at: TS,
  },
  audit_logs: {
    id: ID,
    org_id: REF,
    user_id: REF,
    action: nn(V(100)),
    resource_type: nn(V(100)),
    resource_id: V(255),
    ip_address: 'inet',
    user_agent: 'text',
    changes: 'jsonb',
    metadata: nn('jsonb'),
    ...timestamps,
  },
};

/** information_schema.columns.data_type for a format_type() spelling. */
function dataTypeOf(type: string): string {
  const bare = type.replace(/ not null$/, '');
  if (bare.endsWith('[]')) return 'ARRAY';
  if (bare.startsWith('character varying(')) return 'character varying';
  if (bare.startsWith('numeric(')) return 'numeric';
  return bare;
}

// Every foreign key: child columns -> parent table and columns, ON DELETE
// action (with the columns SET NULL clears, when it names them). A reference
// between two org-scoped tables carries org_id, so it cannot cross orgs.
const expectedForeignKeys = [
  'api_keys (org_id) -> orgs (id) ON DELETE CASCADE',
  'api_keys (user_id) -> users (id) ON DELETE CASCADE',
  'asset_versions (asset_id) -> assets (id) ON DELETE CASCADE',
  'assets (created_by) -> users (id) ON DELETE SET NULL',
  'assets (org_id) -> orgs (id) ON DELETE CASCADE',
  'assets (project_id, org_id) -> projects (id, org_id) ON DELETE SET NULL (project_id)',
  'audit_logs (org_id) -> orgs (id) ON DELETE SET NULL',
  'audit_logs (user_id) -> users (id) ON DELETE SET NULL',
  'credit_packs (org_id) -> orgs (id) ON DELETE CASCADE',
  'idempotency_keys (job_id, org_id) -> jobs (id, org_id) ON DELETE SET NULL (job_id)',
  'idempotency_keys (org_id) -> orgs (id) ON DELETE CASCADE',
  'integrations (created_by) -> users (id) ON DELETE SET NULL',
  'integrations (org_id) -> orgs (id) ON DELETE CASCADE',
  'invoices (org_id) -> orgs (id) ON DELETE CASCADE',
  'job_events (job_id, org_id) -> jobs (id, org_id) ON DELETE CASCADE',
  'job_logs (job_id) -> jobs (id) ON DELETE CASCADE',
  'job_nodes (job_id, org_id) -> jobs (id, org_id) ON DELETE CASCADE',
  'job_nodes (org_id) -> orgs (id) ON DELETE CASCADE',
  'job_nodes (reused_from_job_id, org_id) -> jobs (id, org_id) ON DELETE SET NULL (reused_from_job_id)',
  'jobs (created_by) -> users (id) ON DELETE SET NULL',
  'jobs (org_id) -> orgs (id) ON DELETE CASCADE',
  'jobs (parent_job_id, org_id) -> jobs (id, org_id) ON DELETE SET NULL (parent_job_id)',
  'jobs (project_id, org_id) -> projects (id, org_id) ON DELETE SET NULL (project_id)',
  'jobs (schedule_id, org_id) -> schedules (id, org_id) ON DELETE SET NULL (schedule_id)',
  'jobs (template_id) -> templates (id) ON DELETE SET NULL',
  'jobs (workflow_id, org_id) -> workflows (id, org_id) ON DELETE SET NULL (workflow_id)',
  'kai_generations (created_by) -> users (id) ON DELETE SET NULL',
  'kai_generations (job_id, org_id) -> jobs (id, org_id) ON DELETE SET NULL (job_id)',
  'kai_generations (org_id) -> orgs (id) ON DELETE CASCADE',
  'org_members (invited_by) -> users (id) ON DELETE SET NULL',
  'org_members (org_id) -> orgs (id) ON DELETE CASCADE',
  'org_members (user_id) -> users (id) ON DELETE CASCADE',
  'orgs (owner_id) -> users (id) ON DELETE CASCADE',
  'projects (created_by) -> users (id) ON DELETE SET NULL',
  'projects (org_id) -> orgs (id) ON DELETE CASCADE',
  'quota_limits (org_id) -> orgs (id) ON DELETE CASCADE',
  'renders (job_id) -> jobs (id) ON DELETE CASCADE',
  'schedules (created_by) -> users (id) ON DELETE SET NULL',
  'schedules (org_id) -> orgs (id) ON DELETE CASCADE',
  'schedules (workflow_id, org_id) -> workflows (id, org_id) ON DELETE CASCADE',
  'templates (created_by) -> users (id) ON DELETE SET NULL',
  'templates (org_id) -> orgs (id) ON DELETE CASCADE',
  'templates (project_id, org_id) -> projects (id, org_id) ON DELETE CASCADE',
  'usage_records (job_id, org_id) -> jobs (id, org_id) ON DELETE SET NULL (job_id)',
  'usage_records (org_id) -> orgs (id) ON DELETE CASCADE',
  'usage_records (user_id) -> users (id) ON DELETE SET NULL',
  'webhook_deliveries (redelivery_of) -> webhook_deliveries (id) ON DELETE SET NULL',
  'webhook_deliveries (webhook_id) -> webhooks (id) ON DELETE CASCADE',
  'webhooks (created_by) -> users (id) ON DELETE SET NULL',
  'webhooks (org_id) -> orgs (id) ON DELETE CASCADE',
  'workflow_versions (created_by) -> users (id) ON DELETE SET NULL',
  'workflow_versions (workflow_id) -> workflows (id) ON DELETE CASCADE',
  'workflows (created_by) -> users (id) ON DELETE SET NULL',
  'workflows (org_id) -> orgs (id) ON DELETE CASCADE',
  'workflows (project_id, org_id) -> projects (id, org_id) ON DELETE SET NULL (project_id)',
];

describe('schema: tables and columns', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
  });
  afterAll(async () => {
    await database.drop();
  });

  it('has exactly the expected tables (partitions and the migration log aside)', async () => {
    const rows = await database.query<{ table: string }>(`
      SELECT c.relname AS table
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND c.relname <> 'fenta_migrations'
      ORDER BY c.relname`);
    expect(rows.map((r) => r.table)).toEqual(Object.keys(expectedColumns).sort());
  });

  it.each(Object.keys(expectedColumns))('%s has every column with its type and nullability', async (table) => {
    const rows = await database.query<{ column: string; type: string; not_null: boolean; data_type: string }>(
      `
      SELECT a.attname AS column,
             format_type(a.atttypid, a.atttypmod) AS type,
             a.attnotnull AS not_null,
             ic.data_type
      FROM pg_attribute a
      JOIN information_schema.columns ic
        ON ic.table_schema = 'public' AND ic.table_name = $1 AND ic.column_name = a.attname
      WHERE a.attrelid = ('public.' || $1)::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
      [table],
    );
    const actual = Object.fromEntries(rows.map((r) => [r.column, r.not_null ? nn(r.type) : r.type]));
    expect(actual).toEqual(expectedColumns[table]);

    const dataTypes = Object.fromEntries(rows.map((r) => [r.column, r.data_type]));
    const expectedDataTypes = Object.fromEntries(Object.entries(expectedColumns[table]!).map(([column, type]) => [column, dataTypeOf(type)]));
    expect(dataTypes).toEqual(expectedDataTypes);
  });

  it('stores every timestamp with its time zone', async () => {
    const offenders = await database.query(`
      SELECT table_name, column_name, data_type
      FROM information_schema.columns
      WHERE table_schema = 'public'
        AND (data_type LIKE 'timestamp%' OR data_type LIKE 'time %' OR data_type = 'time')
        AND data_type <> 'timestamp with time zone'`);
    expect(offenders).toEqual([]);

    const count = await database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type = 'timestamp with time zone' AND table_name = ANY ($1)`,
      [Object.keys(expectedColumns)],
    );
    const expected = Object.values(expectedColumns)
      .flatMap((columns) => Object.values(columns))
      .filter((type) => type.startsWith(TS)).length;
    expect(count[0]!.n).toBe(expected);
  });

  it('gives every table a text id with a fenta_id() default, created_at and updated_at', async () => {
    const rows = await database.query<{ table: string; id_default: string | null }>(`
      SELECT c.relname AS table, pg_get_expr(d.adbin, d.adrelid) AS id_default
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'id'
      LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND c.relname <> 'fenta_migrations'
      ORDER BY c.relname`);
    expect(rows).toHaveLength(Object.keys(expectedColumns).length);
    for (const row of rows) {
      expect(row.id_default).toMatch(/^fenta_id\('[a-z]+'::text\)$/);
    }
  });

  it('has mv_daily_usage with its columns and the unique index that concurrent refresh needs', async () => {
    const columns = await database.query<{ column: string; type: string }>(`
      SELECT a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type
      FROM pg_attribute a
      WHERE a.attrelid = 'public.mv_daily_usage'::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`);
    expect(columns).toEqual([
      { column: 'org_id', type: V(255) },
      { column: 'date', type: 'date' },
      { column: 'total_tokens', type: 'bigint' },
      { column: 'total_kai_credits', type: 'bigint' },
      { column: 'total_render_seconds', type: 'numeric' },
      { column: 'total_cost_usd', type: 'numeric' },
      { column: 'total_tts_characters', type: 'bigint' },
      { column: 'total_transcription_minutes', type: 'numeric' },
    ]);

    const indexes = await database.query<{ name: string; definition: string }>(`
      SELECT indexname AS name, indexdef AS definition
      FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'mv_daily_usage'`);
    expect(indexes).toEqual([
      {
        name: 'idx_mv_daily_usage',
        definition: 'CREATE UNIQUE INDEX idx_mv_daily_usage ON public.mv_daily_usage USING btree (org_id, date)',
      },
    ]);
  });

  it('has GIN indexes on templates.spec, workflows.graph, assets.metadata and jobs.config', async () => {
    const rows = await database.query<{ index: string }>(`
      SELECT t.relname || '.' || a.attname AS index
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_am am ON am.oid = ic.relam
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
      WHERE am.amname = 'gin'
      ORDER BY 1`);
    expect(rows.map((r) => r.index)).toEqual(expect.arrayContaining(['assets.metadata', 'jobs.config', 'templates.spec', 'workflows.graph']));
  });

  it('has exactly the expected foreign keys', async () => {
    const rows = await database.query<{ fk: string }>(`
      WITH keys AS (
        SELECT c.*,
               (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k (attnum, n)
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS child_columns,
               (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY k (attnum, n)
                JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS parent_columns,
               (SELECT string_agg(a.attname, ', ' ORDER BY k.n) FROM unnest(c.confdelsetcols) WITH ORDINALITY k (attnum, n)
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS set_columns
        FROM pg_constraint c
        JOIN pg_class r ON r.oid = c.conrelid
        JOIN pg_namespace n ON n.oid = r.relnamespace
        WHERE c.contype = 'f' AND n.nspname = 'public' AND NOT r.relispartition
      )
      SELECT conrelid::regclass::text || ' (' || child_columns || ') -> ' || confrelid::regclass::text ||
             ' (' || parent_columns || ') ON DELETE ' ||
             CASE confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'a' THEN 'NO ACTION'
                              WHEN 'r' THEN 'RESTRICT' WHEN 'd' THEN 'SET DEFAULT' END ||
             coalesce(' (' || set_columns || ')', '') AS fk
      FROM keys
      ORDER BY 1`);
    expect(rows.map((r) => r.fk)).toEqual(expectedForeignKeys);
  });

  it('indexes every foreign key column: some full index starts with it', async () => {
    const missing = await database.query(`
      SELECT c.conrelid::regclass::text AS table, a.attname AS column
      FROM pg_constraint c
      JOIN pg_class r ON r.oid = c.conrelid
      JOIN pg_namespace n ON n.oid = r.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND n.nspname = 'public'
        AND NOT EXISTS (
          SELECT 1 FROM pg_index i
          WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1] AND i.indpred IS NULL
        )`);
    // Partitions included: their indexes come from the partitioned table's.
    // A key on (reference, org_id) is served by the index on its reference
    // column: one row per reference, whose org_id is then compared.
    expect(missing).toEqual([]);
  });

  it('has the partial indexes for soft deletes and the hot paths', async () => {
    const rows = await database.query<{ name: string; predicate: string }>(`
      SELECT ic.relname AS name, pg_get_expr(i.indpred, i.indrelid) AS predicate
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND i.indpred IS NOT NULL AND NOT t.relispartition
      ORDER BY 1`);
    expect(rows).toEqual([
      { name: 'idx_api_keys_valid', predicate: '(revoked_at IS NULL)' },
      { name: 'idx_assets_active', predicate: '(deleted_at IS NULL)' },
      { name: 'idx_credit_packs_available', predicate: '(credits_remaining > 0)' },
      { name: 'idx_jobs_org_processing', predicate: "((status)::text = 'processing'::text)" },
      {
        name: 'idx_jobs_schedule_unfinished',
        predicate: "((schedule_id IS NOT NULL) AND ((status)::text = ANY ((ARRAY['queued'::character varying, 'processing'::character varying])::text[])))",
      },
      { name: 'idx_jobs_unfinished', predicate: "((status)::text = ANY ((ARRAY['queued'::character varying, 'processing'::character varying])::text[]))" },
      { name: 'idx_orgs_slug', predicate: '(deleted_at IS NULL)' },
      { name: 'idx_projects_active', predicate: '(deleted_at IS NULL)' },
      { name: 'idx_schedules_enabled', predicate: '(enabled = true)' },
      { name: 'idx_templates_active', predicate: '(deleted_at IS NULL)' },
      { name: 'idx_templates_public', predicate: '(is_public = true)' },
      { name: 'idx_users_email', predicate: '(deleted_at IS NULL)' },
      { name: 'idx_webhook_deliveries_finished', predicate: "((status)::text <> 'pending'::text)" },
      { name: 'idx_webhook_deliveries_pending', predicate: "((status)::text = 'pending'::text)" },
      { name: 'idx_workflows_active', predicate: '(deleted_at IS NULL)' },
    ]);
  });

  it('has the composite indexes', async () => {
    const rows = await database.query<{ name: string; definition: string }>(`
      SELECT indexname AS name, indexdef AS definition FROM pg_indexes
      WHERE schemaname = 'public'
        AND indexname IN ('idx_jobs_org_status', 'idx_usage_records_org_date', 'idx_audit_logs_org')
      ORDER BY indexname`);
    expect(rows).toEqual([
      {
        name: 'idx_audit_logs_org',
        definition: 'CREATE INDEX idx_audit_logs_org ON ONLY public.audit_logs USING btree (org_id, created_at)',
      },
      {
        name: 'idx_jobs_org_status',
        definition: 'CREATE INDEX idx_jobs_org_status ON public.jobs USING btree (org_id, status)',
      },
      {
        name: 'idx_usage_records_org_date',
        definition: 'CREATE INDEX idx_usage_records_org_date ON ONLY public.usage_records USING btree (org_id, created_at)',
      },
    ]);
  });

  it('has the unique constraints the engine relies on', async () => {
    const rows = await database.query<{ definition: string }>(`
      SELECT conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) AS definition
      FROM pg_constraint
      WHERE contype = 'u' AND connamespace = 'public'::regnamespace
      ORDER BY 1`);
    expect(rows.map((r) => r.definition)).toEqual([
      'api_keys UNIQUE (key_hash)',
      'asset_versions UNIQUE (asset_id, version)',
      'credit_packs UNIQUE (stripe_payment_id)',
      'idempotency_keys UNIQUE (org_id, key)',
      'invoices UNIQUE (stripe_invoice_id)',
      'job_events UNIQUE (job_id, seq)',
      'job_nodes UNIQUE (job_id, node_id)',
      'jobs UNIQUE (id, org_id)',
      'jobs UNIQUE (org_id, idempotency_key)',
      'jobs UNIQUE (schedule_id, scheduled_for)',
      'org_members UNIQUE (org_id, user_id)',
      'orgs UNIQUE (slug)',
      'projects UNIQUE (id, org_id)',
      'quota_limits UNIQUE (org_id)',
      'renders UNIQUE (job_id, profile)',
      'schedules UNIQUE (id, org_id)',
      'users UNIQUE (email)',
      'workflow_versions UNIQUE (workflow_id, version)',
      'workflows UNIQUE (id, org_id)',
    ]);
  });

  it('rejects values outside the enumerations and ranges', async () => {
    const [user] = await database.query<{ id: string }>(
      `INSERT INTO users (email, password_hash, name) VALUES ('checks@example.com', 'h', 'Checks') RETURNING id`,
    );
    const [org] = await database.query<{ id: string }>(`INSERT INTO orgs (name, slug, owner_id) VALUES ('Checks', 'checks', $1) RETURNING id`, [user!.id]);
    const orgId = org!.id;

    const rejected: [string, string, unknown[]][] = [
      ['jobs_status_check', `INSERT INTO jobs (org_id, config, status) VALUES ($1, '{}', 'running')`, [orgId]],
      ['jobs_progress_check', `INSERT INTO jobs (org_id, config, progress) VALUES ($1, '{}', 101)`, [orgId]],
      ['jobs_progress_check', `INSERT INTO jobs (org_id, config, progress) VALUES ($1, '{}', -1)`, [orgId]],
      ['org_members_role_check', `INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, 'guest')`, [orgId, user!.id]],
      ['orgs_plan_check', `UPDATE orgs SET plan = 'platinum' WHERE id = $1`, [orgId]],
      ['workflows_status_check', `INSERT INTO workflows (org_id, name, graph, status) VALUES ($1, 'w', '{}', 'live')`, [orgId]],
      [
        'schedules_missed_runs_check',
        `WITH w AS (INSERT INTO workflows (org_id, name, graph) VALUES ($1, 'w', '{}') RETURNING id)
         INSERT INTO schedules (org_id, workflow_id, cron, missed_runs) SELECT $1, id, '* * * * *', 'all' FROM w`,
        [orgId],
      ],
      [
        'schedules_overlap_check',
        `WITH w AS (INSERT INTO workflows (org_id, name, graph) VALUES ($1, 'w', '{}') RETURNING id)
         INSERT INTO schedules (org_id, workflow_id, cron, overlap) SELECT $1, id, '* * * * *', 'queue' FROM w`,
        [orgId],
      ],
      ['assets_type_check', `INSERT INTO assets (org_id, type, source, storage_key) VALUES ($1, 'gif', 'upload', $2)`, [orgId, `orgs/${orgId}/k.gif`]],
      ['kai_generations_type_check', `INSERT INTO kai_generations (org_id, type, prompt) VALUES ($1, 'text', 'p')`, [orgId]],
      ['usage_records_resource_type_check', `INSERT INTO usage_records (org_id, resource_type, cost_usd) VALUES ($1, 'gpu_seconds', 0)`, [orgId]],
      [
        'invoices_status_check',
        `INSERT INTO invoices (org_id, amount_usd, status, period_start, period_end)
         VALUES ($1, 1, 'late', '2030-01-01', '2030-01-31')`,
        [orgId],
      ],
    ];
    for (const [constraint, text, params] of rejected) {
      await expect(database.query(text, params)).rejects.toThrow(`violates check constraint "${constraint}"`);
    }

    // The values the schema lists are accepted.
    for (const type of ['image', 'video', 'edit', 'voice', 'music']) {
      await database.query(`INSERT INTO kai_generations (org_id, type, prompt) VALUES ($1, $2, 'p')`, [orgId, type]);
    }
    for (const status of ['draft', 'confirmed', 'preview', 'production', 'archived']) {
      await database.query(`INSERT INTO workflows (org_id, name, graph, status) VALUES ($1, 'w', '{}', $2)`, [orgId, status]);
    }
    for (const resource of ['llm_tokens', 'kai_credits', 'render_seconds', 'storage', 'tts_characters', 'transcription_minutes']) {
      await database.query(`INSERT INTO usage_records (org_id, resource_type, cost_usd) VALUES ($1, $2, 0)`, [orgId, resource]);
    }
  });
});
