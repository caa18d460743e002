import { createTestDatabase, type TestDatabase } from './test-database';

type Query = TestDatabase['query'];
type Rows = Record<string, string>;

const RLS_ERROR = /new row violates row-level security policy for table/;

// Tables whose rows belong to one org, directly or through their parent.
const orgTables = [
  'projects',
  'templates',
  'workflows',
  'workflow_versions',
  'assets',
  'asset_versions',
  'schedules',
  'jobs',
  'job_logs',
  'job_nodes',
  'renders',
  'webhooks',
  'webhook_deliveries',
  'usage_records',
  'quota_limits',
  'invoices',
  'credit_packs',
  'integrations',
  'kai_generations',
  'audit_logs',
  'api_keys',
] as const;

/** One row in every org-scoped table for `orgId`, made by the owning (system) role. */
async function fillOrg(query: Query, orgId: string, userId: string, tag: string): Promise<Rows> {
  const ids: Rows = {};
  const add = async (table: string, text: string, params: unknown[]) => {
    const [row] = await query<{ id: string }>(`${text} RETURNING id`, params);
    ids[table] = row!.id;
  };
  await add(
    'api_keys',
    `INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix) VALUES ($1, $2, 'k', $3, 'fk_')`,
    [userId, orgId, `hash-${tag}`],
  );
  await add('projects', `INSERT INTO projects (org_id, name) VALUES ($1, $2)`, [orgId, `project ${tag}`]);
  await add(
    'templates',
    `INSERT INTO templates (org_id, project_id, name, aspect, resolution, spec)
     VALUES ($1, $2, $3, '9:16', '1080x1920', '{}')`,
    [orgId, ids.projects, `private ${tag}`],
  );
  await add('workflows', `INSERT INTO workflows (org_id, name, graph) VALUES ($1, $2, '{}')`, [orgId, `wf ${tag}`]);
  await add('workflow_versions', `INSERT INTO workflow_versions (workflow_id, version, graph) VALUES ($1, 1, '{}')`, [
    ids.workflows,
  ]);
  await add('assets', `INSERT INTO assets (org_id, type, source, storage_key) VALUES ($1, 'image', 'upload', $2)`, [
    orgId,
    `${tag}/a.png`,
  ]);
  await add('asset_versions', `INSERT INTO asset_versions (asset_id, version, storage_key) VALUES ($1, 1, $2)`, [
    ids.assets,
    `${tag}/a1.png`,
  ]);
  await add('schedules', `INSERT INTO schedules (org_id, workflow_id, cron) VALUES ($1, $2, '0 10 * * *')`, [
    orgId,
    ids.workflows,
  ]);
  await add('jobs', `INSERT INTO jobs (org_id, workflow_id, config) VALUES ($1, $2, '{}')`, [orgId, ids.workflows]);
  await add('job_logs', `INSERT INTO job_logs (job_id, level, message) VALUES ($1, 'info', 'm')`, [ids.jobs]);
  await add('job_nodes', `INSERT INTO job_nodes (job_id, org_id, node_id) VALUES ($1, $2, 'n1')`, [ids.jobs, orgId]);
  await add('renders', `INSERT INTO renders (job_id, video_url) VALUES ($1, 'https://cdn/v.mp4')`, [ids.jobs]);
  await add('webhooks', `INSERT INTO webhooks (org_id, url, events, secret) VALUES ($1, 'https://h', '{}', 's')`, [
    orgId,
  ]);
  await add(
    'webhook_deliveries',
    `INSERT INTO webhook_deliveries (webhook_id, event, payload) VALUES ($1, 'render.succeeded', '{}')`,
    [ids.webhooks],
  );
  await add(
    'usage_records',
    `INSERT INTO usage_records (org_id, job_id, resource_type, kai_credits, cost_usd) VALUES ($1, $2, 'kai_credits', 1, 0.1)`,
    [orgId, ids.jobs],
  );
  await add('quota_limits', `INSERT INTO quota_limits (org_id, kai_credits_limit) VALUES ($1, 100)`, [orgId]);
  await add(
    'invoices',
    `INSERT INTO invoices (org_id, amount_usd, status, period_start, period_end)
     VALUES ($1, 10, 'paid', '2030-01-01', '2030-01-31')`,
    [orgId],
  );
  await add(
    'credit_packs',
    `INSERT INTO credit_packs (org_id, pack_type, credits_purchased, credits_remaining, price_usd)
     VALUES ($1, 'small', 10, 10, 5)`,
    [orgId],
  );
  await add('integrations', `INSERT INTO integrations (org_id, provider, credentials) VALUES ($1, 'openai', '{}')`, [
    orgId,
  ]);
  await add('kai_generations', `INSERT INTO kai_generations (org_id, job_id, type, prompt) VALUES ($1, $2, 'video', 'p')`, [
    orgId,
    ids.jobs,
  ]);
  await add('audit_logs', `INSERT INTO audit_logs (org_id, user_id, action, resource_type) VALUES ($1, $2, 'create', 'job')`, [
    orgId,
    userId,
  ]);
  return ids;
}

describe('row-level security', () => {
  let database: TestDatabase;
  const user: Record<string, string> = {};
  const members: Record<string, string> = {};
  let orgA: string;
  let orgB: string;
  let rowsA: Rows;
  let rowsB: Rows;
  let publicTemplate: string;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    const q = database.query;
    for (const name of ['ownerA', 'adminA', 'editorA', 'viewerA', 'ownerB', 'loner']) {
      const [row] = await q<{ id: string }>(
        `INSERT INTO users (email, password_hash, name) VALUES ($1, 'h', $2) RETURNING id`,
        [`${name}@example.com`, name],
      );
      user[name] = row!.id;
    }
    const [a] = await q<{ id: string }>(`INSERT INTO orgs (name, slug, owner_id) VALUES ('A', 'a', $1) RETURNING id`, [
      user.ownerA,
    ]);
    const [b] = await q<{ id: string }>(`INSERT INTO orgs (name, slug, owner_id) VALUES ('B', 'b', $1) RETURNING id`, [
      user.ownerB,
    ]);
    orgA = a!.id;
    orgB = b!.id;
    for (const [name, org, role] of [
      ['ownerA', orgA, 'owner'],
      ['adminA', orgA, 'admin'],
      ['editorA', orgA, 'editor'],
      ['viewerA', orgA, 'viewer'],
      ['ownerB', orgB, 'owner'],
    ] as const) {
      const [row] = await q<{ id: string }>(
        `INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, $3) RETURNING id`,
        [org, user[name], role],
      );
      members[name] = row!.id;
    }
    rowsA = await fillOrg(q, orgA, user.ownerA!, 'a');
    rowsB = await fillOrg(q, orgB, user.ownerB!, 'b');
    const [pub] = await q<{ id: string }>(
      `INSERT INTO templates (org_id, name, aspect, resolution, spec, is_public)
       VALUES (NULL, 'Shorts Clean Bold', '9:16', '1080x1920', '{}', true) RETURNING id`,
    );
    publicTemplate = pub!.id;
  });
  afterAll(async () => {
    await database.drop();
  });

  async function visibleIds(userId: string, table: string): Promise<string[]> {
    return database.withUser(userId, async (q) =>
      (await q<{ id: string }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id),
    );
  }

  it('is enabled on every table, partitions included', async () => {
    const rows = await database.query<{ table: string }>(`
      SELECT c.relname AS table
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relrowsecurity
        AND c.relname <> 'fenta_migrations'`);
    expect(rows).toEqual([]);
  });

  it('gives fenta_app nothing that has no row-level security of its own', async () => {
    const rows = await database.query<{ relation: string }>(`
      SELECT c.relname AS relation
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'm', 'v')
        AND (c.relispartition OR NOT c.relrowsecurity)
        AND has_table_privilege('fenta_app', c.oid, 'SELECT, INSERT, UPDATE, DELETE')`);
    expect(rows).toEqual([]);
    await expect(visibleIds(user.ownerA!, 'usage_records_default')).rejects.toThrow(
      /permission denied for table usage_records_default/,
    );
    await expect(
      database.withUser(user.ownerA!, (q) => q(`SELECT * FROM mv_daily_usage`)),
    ).rejects.toThrow(/permission denied for materialized view mv_daily_usage/);
  });

  it("shows a member of A none of B's rows, and all of A's", async () => {
    for (const name of ['ownerA', 'adminA', 'editorA', 'viewerA']) {
      for (const table of orgTables) {
        const seen = await visibleIds(user[name]!, table);
        let expected = [rowsA[table]!];
        if (table === 'invoices' && (name === 'editorA' || name === 'viewerA')) expected = [];
        if (table === 'templates') expected = [rowsA.templates!, publicTemplate].sort();
        expect({ name, table, seen }).toEqual({ name, table, seen: expected });
        expect(seen).not.toContain(rowsB[table]);
      }
      expect(await visibleIds(user[name]!, 'orgs')).toEqual([orgA]);
      expect(await visibleIds(user[name]!, 'org_members')).toEqual(
        [members.ownerA!, members.adminA!, members.editorA!, members.viewerA!].sort(),
      );
      expect(await visibleIds(user[name]!, 'users')).toEqual([user[name]]);
    }
  });

  it("shows a member of B only B's rows", async () => {
    for (const table of orgTables) {
      const expected = table === 'templates' ? [rowsB.templates!, publicTemplate].sort() : [rowsB[table]!];
      expect({ table, seen: await visibleIds(user.ownerB!, table) }).toEqual({ table, seen: expected });
    }
    expect(await visibleIds(user.ownerB!, 'orgs')).toEqual([orgB]);
    expect(await visibleIds(user.ownerB!, 'org_members')).toEqual([members.ownerB]);
  });

  it('shows a user of no org, or no user at all, only public templates', async () => {
    for (const who of [user.loner!, '']) {
      for (const table of [...orgTables, 'orgs', 'org_members']) {
        const expected = table === 'templates' ? [publicTemplate] : [];
        expect({ who, table, seen: await visibleIds(who, table) }).toEqual({ who, table, seen: expected });
      }
    }
    expect(await visibleIds(user.loner!, 'users')).toEqual([user.loner]);
    expect(await visibleIds('', 'users')).toEqual([]);
  });

  it('follows the Supabase JWT sub claim when fenta.user_id is not set', async () => {
    const seen = await database.withUser('', async (q) => {
      await q(`SELECT set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: user.ownerB, role: 'authenticated' })]);
      return (await q<{ id: string }>(`SELECT id FROM workflows ORDER BY id`)).map((r) => r.id);
    });
    expect(seen).toEqual([rowsB.workflows]);
  });

  it("refuses a member of A writing into B's tables", async () => {
    const ownerA = user.ownerA!;
    await expect(
      database.withUser(ownerA, (q) => q(`INSERT INTO workflows (org_id, name, graph) VALUES ($1, 'x', '{}')`, [orgB])),
    ).rejects.toThrow(/new row violates row-level security policy for table "workflows"/);
    await expect(
      database.withUser(ownerA, (q) => q(`INSERT INTO jobs (org_id, config) VALUES ($1, '{}')`, [orgB])),
    ).rejects.toThrow(/new row violates row-level security policy for table "jobs"/);
    await expect(
      database.withUser(ownerA, (q) =>
        q(`INSERT INTO job_logs (job_id, level, message) VALUES ($1, 'info', 'x')`, [rowsB.jobs]),
      ),
    ).rejects.toThrow(/new row violates row-level security policy for table "job_logs"/);
    await expect(
      database.withUser(ownerA, (q) =>
        q(`INSERT INTO workflow_versions (workflow_id, version, graph) VALUES ($1, 2, '{}')`, [rowsB.workflows]),
      ),
    ).rejects.toThrow(/new row violates row-level security policy for table "workflow_versions"/);
    // Moving an own row into B is refused too.
    await expect(
      database.withUser(ownerA, (q) => q(`UPDATE workflows SET org_id = $1 WHERE id = $2`, [orgB, rowsA.workflows])),
    ).rejects.toThrow(/new row violates row-level security policy for table "workflows"/);

    const touched = await database.withUser(ownerA, async (q) => [
      ...(await q(`UPDATE workflows SET name = 'hacked' WHERE id = $1 RETURNING id`, [rowsB.workflows])),
      ...(await q(`DELETE FROM jobs WHERE id = $1 RETURNING id`, [rowsB.jobs])),
      ...(await q(`DELETE FROM renders WHERE id = $1 RETURNING id`, [rowsB.renders])),
      ...(await q(`UPDATE org_members SET role = 'viewer' WHERE id = $1 RETURNING id`, [members.ownerB])),
      ...(await q(`UPDATE orgs SET name = 'hacked' WHERE id = $1 RETURNING id`, [orgB])),
    ]);
    expect(touched).toEqual([]);
  });

  it('lets a viewer read but not write', async () => {
    const viewer = user.viewerA!;
    expect(await visibleIds(viewer, 'workflows')).toEqual([rowsA.workflows]);
    await expect(
      database.withUser(viewer, (q) => q(`INSERT INTO workflows (org_id, name, graph) VALUES ($1, 'x', '{}')`, [orgA])),
    ).rejects.toThrow(RLS_ERROR);
    await expect(
      database.withUser(viewer, (q) => q(`INSERT INTO jobs (org_id, config) VALUES ($1, '{}')`, [orgA])),
    ).rejects.toThrow(RLS_ERROR);
    const touched = await database.withUser(viewer, async (q) => [
      ...(await q(`UPDATE workflows SET name = 'v' WHERE id = $1 RETURNING id`, [rowsA.workflows])),
      ...(await q(`DELETE FROM assets WHERE id = $1 RETURNING id`, [rowsA.assets])),
      ...(await q(`UPDATE job_logs SET message = 'v' WHERE id = $1 RETURNING id`, [rowsA.job_logs])),
    ]);
    expect(touched).toEqual([]);
  });

  it('lets owners, admins and editors write content', async () => {
    for (const name of ['ownerA', 'adminA', 'editorA']) {
      const result = await database.withUser(user[name]!, async (q) => {
        const [wf] = await q<{ id: string }>(
          `INSERT INTO workflows (org_id, name, graph) VALUES ($1, 'new', '{}') RETURNING id`,
          [orgA],
        );
        const versions = await q(`INSERT INTO workflow_versions (workflow_id, version, graph) VALUES ($1, 1, '{}') RETURNING id`, [
          wf!.id,
        ]);
        const updated = await q(`UPDATE jobs SET progress = 50 WHERE id = $1 RETURNING progress`, [rowsA.jobs]);
        const deleted = await q(`DELETE FROM renders WHERE id = $1 RETURNING id`, [rowsA.renders]);
        return { versions: versions.length, updated, deleted: deleted.length };
      });
      expect(result).toEqual({ versions: 1, updated: [{ progress: 50 }], deleted: 1 });
    }
  });

  it('shows invoices to owners and admins only, and lets nobody write them', async () => {
    expect(await visibleIds(user.ownerA!, 'invoices')).toEqual([rowsA.invoices]);
    expect(await visibleIds(user.adminA!, 'invoices')).toEqual([rowsA.invoices]);
    expect(await visibleIds(user.editorA!, 'invoices')).toEqual([]);
    expect(await visibleIds(user.viewerA!, 'invoices')).toEqual([]);
    await expect(
      database.withUser(user.ownerA!, (q) =>
        q(
          `INSERT INTO invoices (org_id, amount_usd, status, period_start, period_end)
           VALUES ($1, 0, 'paid', '2030-02-01', '2030-02-28')`,
          [orgA],
        ),
      ),
    ).rejects.toThrow(RLS_ERROR);
  });

  it('lets only the system write usage, quotas, credit packs and audit logs', async () => {
    const owner = user.ownerA!;
    const attempts: [string, unknown[]][] = [
      [`INSERT INTO usage_records (org_id, resource_type, cost_usd) VALUES ($1, 'storage', 0)`, [orgA]],
      [`INSERT INTO quota_limits (org_id) VALUES ($1)`, [orgB]],
      [
        `INSERT INTO credit_packs (org_id, pack_type, credits_purchased, credits_remaining, price_usd)
         VALUES ($1, 'free', 1000, 1000, 0)`,
        [orgA],
      ],
      [`INSERT INTO audit_logs (org_id, action, resource_type) VALUES ($1, 'delete', 'job')`, [orgA]],
    ];
    for (const [text, params] of attempts) {
      await expect(database.withUser(owner, (q) => q(text, params))).rejects.toThrow(RLS_ERROR);
    }
    const touched = await database.withUser(owner, async (q) => [
      ...(await q(`UPDATE quota_limits SET kai_credits_limit = NULL WHERE org_id = $1 RETURNING id`, [orgA])),
      ...(await q(`UPDATE credit_packs SET credits_remaining = 10 WHERE org_id = $1 RETURNING id`, [orgA])),
      ...(await q(`DELETE FROM audit_logs WHERE org_id = $1 RETURNING id`, [orgA])),
      ...(await q(`DELETE FROM usage_records WHERE org_id = $1 RETURNING id`, [orgA])),
    ]);
    expect(touched).toEqual([]);
  });

  it('shows public templates to everyone and lets no org change them', async () => {
    for (const who of [user.ownerA!, user.viewerA!, user.ownerB!, user.loner!, '']) {
      expect(await visibleIds(who, 'templates')).toContain(publicTemplate);
    }
    expect(await visibleIds(user.ownerB!, 'templates')).not.toContain(rowsA.templates);
    const touched = await database.withUser(user.ownerA!, (q) =>
      q(`UPDATE templates SET name = 'mine' WHERE id = $1 RETURNING id`, [publicTemplate]),
    );
    expect(touched).toEqual([]);
    await expect(
      database.withUser(user.ownerA!, (q) =>
        q(`INSERT INTO templates (org_id, name, aspect, resolution, spec, is_public) VALUES (NULL, 'x', '9:16', 'x', '{}', true)`),
      ),
    ).rejects.toThrow(RLS_ERROR);
  });

  it('lets users read and update their own row, but not their platform role', async () => {
    const result = await database.withUser(user.editorA!, async (q) => ({
      own: await q(`UPDATE users SET name = 'Eddie' WHERE id = $1 RETURNING name`, [user.editorA]),
      other: await q(`UPDATE users SET name = 'Eddie' WHERE id = $1 RETURNING name`, [user.ownerA]),
    }));
    expect(result).toEqual({ own: [{ name: 'Eddie' }], other: [] });
    await expect(
      database.withUser(user.editorA!, (q) => q(`UPDATE users SET role = 'admin' WHERE id = $1`, [user.editorA])),
    ).rejects.toThrow(/permission denied for table users/);
    await expect(
      database.withUser(user.editorA!, (q) => q(`DELETE FROM users WHERE id = $1 RETURNING id`, [user.editorA])),
    ).resolves.toEqual([]);
  });

  it('lets any user create an org they own and become its owner, and nothing more', async () => {
    const loner = user.loner!;
    const created = await database.withUser(loner, async (q) => {
      const [org] = await q<{ id: string; plan: string }>(
        `INSERT INTO orgs (name, slug, owner_id) VALUES ('L', 'lonely', $1) RETURNING id, plan`,
        [loner],
      );
      const [member] = await q<{ role: string }>(
        `INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, 'owner') RETURNING role`,
        [org!.id, loner],
      );
      const [workflow] = await q<{ org_id: string }>(
        `INSERT INTO workflows (org_id, name, graph) VALUES ($1, 'first', '{}') RETURNING org_id`,
        [org!.id],
      );
      return { plan: org!.plan, role: member!.role, same: workflow!.org_id === org!.id };
    });
    expect(created).toEqual({ plan: 'free', role: 'owner', same: true });

    await expect(
      database.withUser(loner, (q) =>
        q(`INSERT INTO orgs (name, slug, owner_id) VALUES ('X', 'x', $1)`, [user.ownerA]),
      ),
    ).rejects.toThrow(RLS_ERROR);
    await expect(
      database.withUser(loner, (q) =>
        q(`INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, 'viewer')`, [orgA, loner]),
      ),
    ).rejects.toThrow(RLS_ERROR);
    await expect(
      database.withUser(loner, (q) =>
        q(`INSERT INTO orgs (name, slug, owner_id, plan) VALUES ('P', 'paid', $1, 'enterprise')`, [loner]),
      ),
    ).rejects.toThrow(/permission denied for table orgs/);
  });

  it('lets owners and admins manage members, and only owners touch owners', async () => {
    const admin = user.adminA!;
    await expect(
      database.withUser(admin, (q) => q(`UPDATE org_members SET role = 'owner' WHERE id = $1`, [members.adminA])),
    ).rejects.toThrow(/new row violates row-level security policy for table "org_members"/);
    await expect(
      database.withUser(admin, (q) =>
        q(`INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, 'owner')`, [orgA, user.loner]),
      ),
    ).rejects.toThrow(RLS_ERROR);
    const byAdmin = await database.withUser(admin, async (q) => ({
      demoted: await q(`UPDATE org_members SET role = 'viewer' WHERE id = $1 RETURNING role`, [members.editorA]),
      invited: await q(
        `INSERT INTO org_members (org_id, user_id, role, invited_by) VALUES ($1, $2, 'editor', $3) RETURNING role`,
        [orgA, user.loner, admin],
      ),
      ownerRemoved: await q(`DELETE FROM org_members WHERE id = $1 RETURNING id`, [members.ownerA]),
    }));
    expect(byAdmin).toEqual({ demoted: [{ role: 'viewer' }], invited: [{ role: 'editor' }], ownerRemoved: [] });

    const byOwner = await database.withUser(user.ownerA!, (q) =>
      q(`UPDATE org_members SET role = 'owner' WHERE id = $1 RETURNING role`, [members.adminA]),
    );
    expect(byOwner).toEqual([{ role: 'owner' }]);

    const byEditor = await database.withUser(user.editorA!, (q) =>
      q(`UPDATE org_members SET role = 'admin' WHERE id = $1 RETURNING role`, [members.editorA]),
    );
    expect(byEditor).toEqual([]);
  });

  it('lets owners and admins update their org, but not its plan or billing ids', async () => {
    const renamed = await database.withUser(user.adminA!, (q) =>
      q(`UPDATE orgs SET name = 'A renamed' WHERE id = $1 RETURNING name`, [orgA]),
    );
    expect(renamed).toEqual([{ name: 'A renamed' }]);
    const byEditor = await database.withUser(user.editorA!, (q) =>
      q(`UPDATE orgs SET name = 'nope' WHERE id = $1 RETURNING name`, [orgA]),
    );
    expect(byEditor).toEqual([]);
    for (const column of ['plan', 'stripe_customer_id', 'billing_customer_id', 'owner_id']) {
      await expect(
        database.withUser(user.ownerA!, (q) => q(`UPDATE orgs SET ${column} = $2 WHERE id = $1`, [orgA, 'enterprise'])),
      ).rejects.toThrow(/permission denied for table orgs/);
    }
  });

  it('lets users manage their own API keys only', async () => {
    const editor = user.editorA!;
    const made = await database.withUser(editor, (q) =>
      q(
        `INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix) VALUES ($1, $2, 'mine', 'h-editor', 'fk_') RETURNING name`,
        [editor, orgA],
      ),
    );
    expect(made).toEqual([{ name: 'mine' }]);
    await expect(
      database.withUser(editor, (q) =>
        q(`INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix) VALUES ($1, $2, 'x', 'h-x', 'fk_')`, [
          user.ownerA,
          orgA,
        ]),
      ),
    ).rejects.toThrow(RLS_ERROR);
    await expect(
      database.withUser(editor, (q) =>
        q(`INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix) VALUES ($1, $2, 'x', 'h-y', 'fk_')`, [
          editor,
          orgB,
        ]),
      ),
    ).rejects.toThrow(RLS_ERROR);
    const touched = await database.withUser(editor, async (q) => [
      ...(await q(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING id`, [rowsA.api_keys])),
      ...(await q(`DELETE FROM api_keys WHERE id = $1 RETURNING id`, [rowsA.api_keys])),
    ]);
    expect(touched).toEqual([]);
    const revoked = await database.withUser(user.ownerA!, (q) =>
      q(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING id`, [rowsA.api_keys]),
    );
    expect(revoked).toEqual([{ id: rowsA.api_keys }]);
  });
});
