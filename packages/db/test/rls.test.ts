import { fillOrg, noPrivilege, orgTables, policyRefused, type Rows } from './org-fixture';
import { createTestDatabase, type TestDatabase } from './test-database';

const RLS_ERROR = /new row violates row-level security policy for table/;

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
      const [row] = await q<{ id: string }>(`INSERT INTO users (email, password_hash, name) VALUES ($1, 'h', $2) RETURNING id`, [`${name}@example.com`, name]);
      user[name] = row!.id;
    }
    const [a] = await q<{ id: string }>(`INSERT INTO orgs (name, slug, owner_id) VALUES ('A', 'a', $1) RETURNING id`, [user.ownerA]);
    const [b] = await q<{ id: string }>(`INSERT INTO orgs (name, slug, owner_id) VALUES ('B', 'b', $1) RETURNING id`, [user.ownerB]);
    orgA = a!.id;
    orgB = b!.id;
    for (const [name, org, role] of [
      ['ownerA', orgA, 'owner'],
      ['adminA', orgA, 'admin'],
      ['editorA', orgA, 'editor'],
      ['viewerA', orgA, 'viewer'],
      ['ownerB', orgB, 'owner'],
    ] as const) {
      const [row] = await q<{ id: string }>(`INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, $3) RETURNING id`, [org, user[name], role]);
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
    return database.withUser(userId, async (q) => (await q<{ id: string }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id));
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
    await expect(visibleIds(user.ownerA!, 'usage_records_default')).rejects.toThrow(/permission denied for table usage_records_default/);
    await expect(database.withUser(user.ownerA!, (q) => q(`SELECT * FROM mv_daily_usage`))).rejects.toThrow(
      /permission denied for materialized view mv_daily_usage/,
    );
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
      expect(await visibleIds(user[name]!, 'org_members')).toEqual([members.ownerA!, members.adminA!, members.editorA!, members.viewerA!].sort());
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
    await expect(database.withUser(ownerA, (q) => q(`INSERT INTO workflows (org_id, name, graph) VALUES ($1, 'x', '{}')`, [orgB]))).rejects.toThrow(
      /new row violates row-level security policy for table "workflows"/,
    );
    await expect(database.withUser(ownerA, (q) => q(`INSERT INTO jobs (org_id, config, created_by) VALUES ($1, '{}', $2)`, [orgB, ownerA]))).rejects.toThrow(
      /new row violates row-level security policy for table "jobs"/,
    );
    await expect(
      database.withUser(ownerA, (q) => q(`INSERT INTO workflow_versions (workflow_id, version, graph) VALUES ($1, 2, '{}')`, [rowsB.workflows])),
    ).rejects.toThrow(/new row violates row-level security policy for table "workflow_versions"/);
    // Moving an own row into B is refused too.
    await expect(database.withUser(ownerA, (q) => q(`UPDATE workflows SET org_id = $1 WHERE id = $2`, [orgB, rowsA.workflows]))).rejects.toThrow(
      /new row violates row-level security policy for table "workflows"/,
    );

    const touched = await database.withUser(ownerA, async (q) => [
      ...(await q(`UPDATE workflows SET name = 'hacked' WHERE id = $1 RETURNING id`, [rowsB.workflows])),
      ...(await q(`UPDATE jobs SET cancel_requested_at = now() WHERE id = $1 RETURNING id`, [rowsB.jobs])),
      ...(await q(`DELETE FROM assets WHERE id = $1 RETURNING id`, [rowsB.assets])),
      ...(await q(`UPDATE org_members SET role = 'viewer' WHERE id = $1 RETURNING id`, [members.ownerB])),
      ...(await q(`UPDATE orgs SET name = 'hacked' WHERE id = $1 RETURNING id`, [orgB])),
    ]);
    expect(touched).toEqual([]);
  });

  it('lets a viewer read but not write', async () => {
    const viewer = user.viewerA!;
    expect(await visibleIds(viewer, 'workflows')).toEqual([rowsA.workflows]);
    await expect(database.withUser(viewer, (q) => q(`INSERT INTO workflows (org_id, name, graph) VALUES ($1, 'x', '{}')`, [orgA]))).rejects.toThrow(RLS_ERROR);
    await expect(database.withUser(viewer, (q) => q(`INSERT INTO jobs (org_id, config, created_by) VALUES ($1, '{}', $2)`, [orgA, viewer]))).rejects.toThrow(
      RLS_ERROR,
    );
    const touched = await database.withUser(viewer, async (q) => [
      ...(await q(`UPDATE workflows SET name = 'v' WHERE id = $1 RETURNING id`, [rowsA.workflows])),
      ...(await q(`DELETE FROM assets WHERE id = $1 RETURNING id`, [rowsA.assets])),
      ...(await q(`UPDATE jobs SET cancel_requested_at = now() WHERE id = $1 RETURNING id`, [rowsA.jobs])),
    ]);
    expect(touched).toEqual([]);
  });

  it('lets owners, admins and editors write content, and ask a job to stop', async () => {
    for (const name of ['ownerA', 'adminA', 'editorA']) {
      const result = await database.withUser(user[name]!, async (q) => {
        const [wf] = await q<{ id: string }>(`INSERT INTO workflows (org_id, name, graph) VALUES ($1, 'new', '{}') RETURNING id`, [orgA]);
        const versions = await q(`INSERT INTO workflow_versions (workflow_id, version, graph) VALUES ($1, 1, '{}') RETURNING id`, [wf!.id]);
        const cancelled = await q(`UPDATE jobs SET cancel_requested_at = now() WHERE id = $1 RETURNING cancel_requested_at IS NOT NULL AS asked`, [rowsA.jobs]);
        const deleted = await q(`DELETE FROM asset_versions WHERE id = $1 RETURNING id`, [rowsA.asset_versions]);
        return { versions: versions.length, cancelled, deleted: deleted.length };
      });
      expect(result).toEqual({ versions: 1, cancelled: [{ asked: true }], deleted: 1 });
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
    ).rejects.toThrow(/^permission denied for table invoices$/);
  });

  it('lets only the system write usage, quotas, credit packs and audit logs', async () => {
    const owner = user.ownerA!;
    const attempts: [string, string, unknown[]][] = [
      ['usage_records', `INSERT INTO usage_records (org_id, resource_type, cost_usd) VALUES ($1, 'storage', 0)`, [orgA]],
      ['quota_limits', `INSERT INTO quota_limits (org_id) VALUES ($1)`, [orgB]],
      [
        'credit_packs',
        `INSERT INTO credit_packs (org_id, pack_type, credits_purchased, credits_remaining, price_usd)
         VALUES ($1, 'free', 1000, 1000, 0)`,
        [orgA],
      ],
      ['audit_logs', `INSERT INTO audit_logs (org_id, action, resource_type) VALUES ($1, 'delete', 'job')`, [orgA]],
      ['quota_limits', `UPDATE quota_limits SET kai_credits_limit = NULL WHERE org_id = $1`, [orgA]],
      ['credit_packs', `UPDATE credit_packs SET credits_remaining = 10 WHERE org_id = $1`, [orgA]],
      ['audit_logs', `DELETE FROM audit_logs WHERE org_id = $1`, [orgA]],
      ['usage_records', `DELETE FROM usage_records WHERE org_id = $1`, [orgA]],
    ];
    for (const [table, text, params] of attempts) {
      await expect(database.withUser(owner, (q) => q(text, params))).rejects.toMatchObject(noPrivilege(table).error);
    }
  });

  it('shows public templates to everyone and lets no org change them', async () => {
    for (const who of [user.ownerA!, user.viewerA!, user.ownerB!, user.loner!, '']) {
      expect(await visibleIds(who, 'templates')).toContain(publicTemplate);
    }
    expect(await visibleIds(user.ownerB!, 'templates')).not.toContain(rowsA.templates);
    const touched = await database.withUser(user.ownerA!, (q) => q(`UPDATE templates SET name = 'mine' WHERE id = $1 RETURNING id`, [publicTemplate]));
    expect(touched).toEqual([]);
    await expect(
      database.withUser(user.ownerA!, (q) =>
        q(`INSERT INTO templates (org_id, name, aspect, resolution, spec, is_public) VALUES (NULL, 'x', '9:16', 'x', '{}', true)`),
      ),
    ).rejects.toThrow(/^permission denied for table templates$/);
    await expect(
      database.withUser(user.ownerA!, (q) => q(`INSERT INTO templates (org_id, name, aspect, resolution, spec) VALUES (NULL, 'x', '9:16', 'x', '{}')`)),
    ).rejects.toThrow(RLS_ERROR);
  });

  it('lets users read and update their own row, but not their platform role', async () => {
    const result = await database.withUser(user.editorA!, async (q) => ({
      own: await q(`UPDATE users SET name = 'Eddie' WHERE id = $1 RETURNING name`, [user.editorA]),
      other: await q(`UPDATE users SET name = 'Eddie' WHERE id = $1 RETURNING name`, [user.ownerA]),
    }));
    expect(result).toEqual({ own: [{ name: 'Eddie' }], other: [] });
    await expect(database.withUser(user.editorA!, (q) => q(`UPDATE users SET role = 'admin' WHERE id = $1`, [user.editorA]))).rejects.toThrow(
      /permission denied for table users/,
    );
    await expect(database.withUser(user.editorA!, (q) => q(`DELETE FROM users WHERE id = $1 RETURNING id`, [user.editorA]))).resolves.toEqual([]);
  });

  it('lets any user create an org they own and become its owner, and nothing more', async () => {
    const loner = user.loner!;
    const created = await database.withUser(loner, async (q) => {
      const [org] = await q<{ id: string; plan: string }>(`INSERT INTO orgs (name, slug, owner_id) VALUES ('L', 'lonely', $1) RETURNING id, plan`, [loner]);
      const [member] = await q<{ role: string }>(`INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, 'owner') RETURNING role`, [org!.id, loner]);
      const [workflow] = await q<{ org_id: string }>(`INSERT INTO workflows (org_id, name, graph) VALUES ($1, 'first', '{}') RETURNING org_id`, [org!.id]);
      return { plan: org!.plan, role: member!.role, same: workflow!.org_id === org!.id };
    });
    expect(created).toEqual({ plan: 'free', role: 'owner', same: true });

    await expect(database.withUser(loner, (q) => q(`INSERT INTO orgs (name, slug, owner_id) VALUES ('X', 'x', $1)`, [user.ownerA]))).rejects.toThrow(RLS_ERROR);
    await expect(
      database.withUser(loner, (q) => q(`INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, 'viewer')`, [orgA, loner])),
    ).rejects.toThrow(RLS_ERROR);
    await expect(
      database.withUser(loner, (q) => q(`INSERT INTO orgs (name, slug, owner_id, plan) VALUES ('P', 'paid', $1, 'enterprise')`, [loner])),
    ).rejects.toThrow(/permission denied for table orgs/);
  });

  it('lets owners and admins manage members, and only owners touch owners', async () => {
    const admin = user.adminA!;
    await expect(database.withUser(admin, (q) => q(`UPDATE org_members SET role = 'owner' WHERE id = $1`, [members.adminA]))).rejects.toThrow(
      /new row violates row-level security policy for table "org_members"/,
    );
    await expect(
      database.withUser(admin, (q) => q(`INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, 'owner')`, [orgA, user.loner])),
    ).rejects.toThrow(RLS_ERROR);
    const byAdmin = await database.withUser(admin, async (q) => ({
      demoted: await q(`UPDATE org_members SET role = 'viewer' WHERE id = $1 RETURNING role`, [members.editorA]),
      invited: await q(`INSERT INTO org_members (org_id, user_id, role, invited_by) VALUES ($1, $2, 'editor', $3) RETURNING role`, [orgA, user.loner, admin]),
      ownerRemoved: await q(`DELETE FROM org_members WHERE id = $1 RETURNING id`, [members.ownerA]),
    }));
    expect(byAdmin).toEqual({ demoted: [{ role: 'viewer' }], invited: [{ role: 'editor' }], ownerRemoved: [] });

    const byOwner = await database.withUser(user.ownerA!, (q) => q(`UPDATE org_members SET role = 'owner' WHERE id = $1 RETURNING role`, [members.adminA]));
    expect(byOwner).toEqual([{ role: 'owner' }]);

    const byEditor = await database.withUser(user.editorA!, (q) => q(`UPDATE org_members SET role = 'admin' WHERE id = $1 RETURNING role`, [members.editorA]));
    expect(byEditor).toEqual([]);
  });

  it('lets owners and admins update their org, but not its plan or billing ids', async () => {
    const renamed = await database.withUser(user.adminA!, (q) => q(`UPDATE orgs SET name = 'A renamed' WHERE id = $1 RETURNING name`, [orgA]));
    expect(renamed).toEqual([{ name: 'A renamed' }]);
    const byEditor = await database.withUser(user.editorA!, (q) => q(`UPDATE orgs SET name = 'nope' WHERE id = $1 RETURNING name`, [orgA]));
    expect(byEditor).toEqual([]);
    for (const column of ['plan', 'stripe_customer_id', 'billing_customer_id', 'owner_id']) {
      await expect(database.withUser(user.ownerA!, (q) => q(`UPDATE orgs SET ${column} = $2 WHERE id = $1`, [orgA, 'enterprise']))).rejects.toThrow(
        /permission denied for table orgs/,
      );
    }
  });

  it('lets owners and admins create their own keys, and each holder revoke only their own', async () => {
    const made = await database.withUser(user.adminA!, (q) =>
      q(`INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix) VALUES ($1, $2, 'mine', 'h-admin', 'fk_') RETURNING name`, [user.adminA, orgA]),
    );
    expect(made).toEqual([{ name: 'mine' }]);
    const editor = user.editorA!;
    await expect(
      database.withUser(editor, (q) =>
        q(`INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix) VALUES ($1, $2, 'x', 'h-editor', 'fk_')`, [editor, orgA]),
      ),
    ).rejects.toMatchObject(policyRefused('api_keys').error);
    await expect(
      database.withUser(user.adminA!, (q) =>
        q(`INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix) VALUES ($1, $2, 'x', 'h-x', 'fk_')`, [user.ownerA, orgA]),
      ),
    ).rejects.toThrow(RLS_ERROR);
    await expect(
      database.withUser(user.adminA!, (q) =>
        q(`INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix) VALUES ($1, $2, 'x', 'h-y', 'fk_')`, [user.adminA, orgB]),
      ),
    ).rejects.toThrow(RLS_ERROR);
    const touched = await database.withUser(editor, async (q) => [
      ...(await q(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING id`, [rowsA.api_keys])),
      ...(await q(`DELETE FROM api_keys WHERE id = $1 RETURNING id`, [rowsA.api_keys])),
    ]);
    expect(touched).toEqual([]);
    const revoked = await database.withUser(user.ownerA!, (q) => q(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING id`, [rowsA.api_keys]));
    expect(revoked).toEqual([{ id: rowsA.api_keys }]);
  });
});
