import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from './test-database';

type Ids = Record<string, string>;

// One insert per table, in foreign-key order, each using the ids made before it.
const tables: { table: string; prefix: string; insert: (ids: Ids) => [string, unknown[]] }[] = [
  {
    table: 'users',
    prefix: 'user',
    insert: () => [`INSERT INTO users (email, password_hash, name) VALUES ('ids@example.com', 'h', 'Ids')`, []],
  },
  {
    table: 'orgs',
    prefix: 'org',
    insert: (ids) => [`INSERT INTO orgs (name, slug, owner_id) VALUES ('Ids', 'ids', $1)`, [ids.users]],
  },
  {
    table: 'org_members',
    prefix: 'member',
    insert: (ids) => [`INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, 'owner')`, [ids.orgs, ids.users]],
  },
  {
    table: 'api_keys',
    prefix: 'key',
    insert: (ids) => [`INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix) VALUES ($1, $2, 'k', 'hash-ids', 'fk_ids')`, [ids.users, ids.orgs]],
  },
  {
    table: 'projects',
    prefix: 'proj',
    insert: (ids) => [`INSERT INTO projects (org_id, name, created_by) VALUES ($1, 'p', $2)`, [ids.orgs, ids.users]],
  },
  {
    table: 'templates',
    prefix: 'tmpl',
    insert: (ids) => [
      `INSERT INTO templates (org_id, project_id, name, aspect, resolution, spec)
       VALUES ($1, $2, 't', '9:16', '1080x1920', '{"tracks": []}')`,
      [ids.orgs, ids.projects],
    ],
  },
  {
    table: 'workflows',
    prefix: 'wf',
    insert: (ids) => [`INSERT INTO workflows (org_id, project_id, name, graph) VALUES ($1, $2, 'w', '{"nodes": [], "edges": []}')`, [ids.orgs, ids.projects]],
  },
  {
    table: 'workflow_versions',
    prefix: 'ver',
    insert: (ids) => [`INSERT INTO workflow_versions (workflow_id, version, graph) VALUES ($1, 1, '{}')`, [ids.workflows]],
  },
  {
    table: 'assets',
    prefix: 'asset',
    insert: (ids) => [`INSERT INTO assets (org_id, type, source, storage_key) VALUES ($1, 'video', 'upload', $2)`, [ids.orgs, `orgs/${ids.orgs}/assets/v.mp4`]],
  },
  {
    table: 'asset_versions',
    prefix: 'aver',
    insert: (ids) => [`INSERT INTO asset_versions (asset_id, version, storage_key) VALUES ($1, 1, $2)`, [ids.assets, `orgs/${ids.orgs}/assets/v1.mp4`]],
  },
  {
    table: 'schedules',
    prefix: 'sched',
    insert: (ids) => [`INSERT INTO schedules (org_id, workflow_id, cron) VALUES ($1, $2, '0 10 * * *')`, [ids.orgs, ids.workflows]],
  },
  {
    table: 'jobs',
    prefix: 'job',
    insert: (ids) => [
      `INSERT INTO jobs (org_id, workflow_id, template_id, schedule_id, scheduled_for, config)
       VALUES ($1, $2, $3, $4, now(), '{}')`,
      [ids.orgs, ids.workflows, ids.templates, ids.schedules],
    ],
  },
  {
    table: 'job_logs',
    prefix: 'log',
    insert: (ids) => [`INSERT INTO job_logs (job_id, level, message) VALUES ($1, 'info', 'started')`, [ids.jobs]],
  },
  {
    table: 'job_nodes',
    prefix: 'jnode',
    insert: (ids) => [`INSERT INTO job_nodes (job_id, org_id, node_id, node_type) VALUES ($1, $2, 'n1', 'Input.Stock')`, [ids.jobs, ids.orgs]],
  },
  {
    table: 'idempotency_keys',
    prefix: 'idem',
    insert: (ids) => [
      `INSERT INTO idempotency_keys (org_id, key, request_hash, response_status, response_body, job_id) VALUES ($1, 'k', $2, 202, '{}', $3)`,
      [ids.orgs, 'a'.repeat(64), ids.jobs],
    ],
  },
  {
    table: 'renders',
    prefix: 'render',
    insert: (ids) => [`INSERT INTO renders (job_id, video_url) VALUES ($1, 'https://cdn/v.mp4')`, [ids.jobs]],
  },
  {
    table: 'job_events',
    prefix: 'event',
    insert: (ids) => [`INSERT INTO job_events (job_id, org_id, seq, type, data) VALUES ($1, $2, 1, 'progress', '{"progress": 5}')`, [ids.jobs, ids.orgs]],
  },
  {
    table: 'webhooks',
    prefix: 'hook',
    insert: (ids) => [`INSERT INTO webhooks (org_id, url, events, secret) VALUES ($1, 'https://h', '{render.succeeded}', 's')`, [ids.orgs]],
  },
  {
    table: 'webhook_deliveries',
    prefix: 'delivery',
    insert: (ids) => [`INSERT INTO webhook_deliveries (webhook_id, event, payload) VALUES ($1, 'render.succeeded', '{}')`, [ids.webhooks]],
  },
  {
    table: 'usage_records',
    prefix: 'usage',
    insert: (ids) => [
      `INSERT INTO usage_records (org_id, job_id, resource_type, render_seconds, cost_usd)
       VALUES ($1, $2, 'render_seconds', 12.5, 0.25)`,
      [ids.orgs, ids.jobs],
    ],
  },
  {
    table: 'quota_limits',
    prefix: 'quota',
    insert: (ids) => [`INSERT INTO quota_limits (org_id) VALUES ($1)`, [ids.orgs]],
  },
  {
    table: 'invoices',
    prefix: 'inv',
    insert: (ids) => [
      `INSERT INTO invoices (org_id, amount_usd, status, period_start, period_end)
       VALUES ($1, 10, 'open', '2030-01-01', '2030-01-31')`,
      [ids.orgs],
    ],
  },
  {
    table: 'credit_packs',
    prefix: 'pack',
    insert: (ids) => [
      `INSERT INTO credit_packs (org_id, pack_type, credits_purchased, credits_remaining, price_usd)
       VALUES ($1, 'starter', 100, 100, 9.99)`,
      [ids.orgs],
    ],
  },
  {
    table: 'integrations',
    prefix: 'int',
    insert: (ids) => [`INSERT INTO integrations (org_id, provider, credentials) VALUES ($1, 'pexels', '{"key": "x"}')`, [ids.orgs]],
  },
  {
    table: 'kai_generations',
    prefix: 'gen',
    insert: (ids) => [`INSERT INTO kai_generations (org_id, job_id, type, prompt) VALUES ($1, $2, 'image', 'a city at night')`, [ids.orgs, ids.jobs]],
  },
  {
    table: 'audit_logs',
    prefix: 'audit',
    insert: (ids) => [
      `INSERT INTO audit_logs (org_id, user_id, action, resource_type, resource_id) VALUES ($1, $2, 'create', 'job', $3)`,
      [ids.orgs, ids.users, ids.jobs],
    ],
  },
];

describe('schema: ids and timestamps', () => {
  let database: TestDatabase;
  const ids: Ids = {};

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    // Through kysely once, so that drop() closes the pool before the database goes.
    for (const { table, insert } of tables) {
      const [text, params] = insert(ids);
      const rows = await database.query<{ id: string }>(`${text} RETURNING id`, params);
      ids[table] = rows[0]!.id;
    }
  });
  afterAll(async () => {
    await database.drop();
  });

  it('covers every table', async () => {
    const rows = await database.query<{ table: string }>(`
      SELECT c.relname AS table
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND c.relname <> 'fenta_migrations'
      ORDER BY c.relname`);
    expect(rows.map((r) => r.table)).toEqual(tables.map((t) => t.table).sort());
  });

  it.each(tables.map((t) => [t.table, t.prefix]))('%s ids are %s_<uuid v7>', async (table, prefix) => {
    const id = ids[table]!;
    expect(id.startsWith(`${prefix}_`)).toBe(true);
    expect(id).toMatch(new RegExp(`^${prefix}_[0-9a-f-]{36}$`));
    // version 7, variant 10
    expect(id).toMatch(new RegExp(`^${prefix}_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`));

    // The first 48 bits are the creation time in unix milliseconds: no earlier
    // than the row's created_at (the transaction's start), no later than now.
    const [row] = await database.query<{ after_created: boolean; before_now: boolean }>(
      `
      WITH t AS (
        SELECT ('x' || lpad(replace(substr(id, length($2) + 2, 13), '-', ''), 16, '0'))::bit(64)::bigint AS ms,
               created_at
        FROM ${table} WHERE id = $1
      )
      SELECT ms >= floor(extract(epoch FROM created_at) * 1000) AS after_created,
             ms <= floor(extract(epoch FROM clock_timestamp()) * 1000) AS before_now
      FROM t`,
      [id, prefix],
    );
    expect(row).toEqual({ after_created: true, before_now: true });
  });

  it('makes ids that sort in creation order, as text and in the database', async () => {
    const made: string[] = [];
    for (let i = 0; i < 25; i += 1) {
      const [row] = await database.query<{ id: string }>(`INSERT INTO job_logs (job_id, level, message) VALUES ($1, 'debug', $2) RETURNING id`, [
        ids.jobs,
        `line ${i}`,
      ]);
      made.push(row!.id);
    }
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);

    const sorted = await database.query<{ id: string }>(`SELECT id FROM job_logs WHERE id = ANY ($1) ORDER BY id`, [made]);
    expect(sorted.map((r) => r.id)).toEqual(made);

    const [first] = await database.query<{ id: string }>(`SELECT fenta_id('x') AS id`);
    const [second] = await database.query<{ id: string }>(`SELECT fenta_id('x') AS id`);
    expect(first!.id < second!.id).toBe(true);
  });

  it.each(tables.map((t) => [t.table]))('%s: updated_at advances on UPDATE, created_at stays', async (table) => {
    const id = ids[table]!;
    const [before] = await database.query<{ created_at: string; updated_at: string }>(`SELECT created_at::text, updated_at::text FROM ${table} WHERE id = $1`, [
      id,
    ]);
    // A separate statement outside any transaction: now() has moved on.
    await database.query(`UPDATE ${table} SET id = id WHERE id = $1`, [id]);
    const [after] = await database.query<{ advanced: boolean; created_same: boolean }>(
      `SELECT updated_at > $2::timestamptz AS advanced, created_at = $3::timestamptz AS created_same
       FROM ${table} WHERE id = $1`,
      [id, before!.updated_at, before!.created_at],
    );
    expect(after).toEqual({ advanced: true, created_same: true });
  });

  it.each(tables.map((t) => [t.table, t.prefix]))('%s refuses an id that is not %s_ and 1 to 100 of [A-Za-z0-9_-]', async (table, prefix) => {
    const [check] = await database.query<{ definition: string }>(
      `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`,
      [table, `${table}_id_check`],
    );
    expect(check!.definition).toBe(`CHECK (((id)::text ~ '^${prefix}_[A-Za-z0-9_-]{1,100}$'::text))`);
    const refused = [
      `${prefix}_`,
      `${prefix}_${'a'.repeat(101)}`,
      `${prefix}_a/b`,
      `${prefix}_..`,
      `${prefix}_a\\b`,
      `${prefix}_a b`,
      `${prefix}_a\nb`,
      `${prefix}-a`,
      `x${prefix}_a`,
      `${prefix.toUpperCase()}_a`,
    ];
    for (const id of refused) {
      await expect(database.query(`UPDATE ${table} SET id = $2 WHERE id = $1`, [ids[table], id])).rejects.toMatchObject({
        code: '23514',
        constraint: `${table}_id_check`,
      });
    }
  });

  it('accepts chosen ids of the seeds and ids of 100 characters', async () => {
    const accepted = ['log_given_01', 'log_a-b_C', `log_${'x'.repeat(100)}`];
    for (const id of accepted) {
      const [row] = await database.query<{ id: string }>(`INSERT INTO job_logs (id, job_id, level, message) VALUES ($1, $2, 'info', 'x') RETURNING id`, [
        id,
        ids.jobs,
      ]);
      expect(row!.id).toBe(id);
    }
  });

  it('keeps an id given explicitly', async () => {
    const [row] = await database.query<{ id: string }>(`INSERT INTO job_logs (id, job_id, level, message) VALUES ('log_given', $1, 'info', 'x') RETURNING id`, [
      ids.jobs,
    ]);
    expect(row!.id).toBe('log_given');
  });
});
