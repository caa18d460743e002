import {
  attempt,
  fillOrg,
  insertOrg,
  insertUser,
  noPrivilege,
  orgTables,
  ownerSnapshot,
  policyRefused,
  untouched,
  type Outcome,
  type Rows,
} from './org-fixture';
import { createTestDatabase, type TestDatabase } from './test-database';

// A member of org B, as viewer, editor and admin, aims SELECT, INSERT, UPDATE
// and DELETE at org A's row in every org-scoped table. Each statement is
// either refused (by a missing privilege, or by a policy's WITH CHECK) or
// sees and touches nothing; and the owner's view of every table is the same
// afterwards, read inside the same transaction so that nothing could have
// been rolled back out of sight.

interface Target {
  orgA: string;
  a: Rows;
  actor: string;
  memberA: string;
}

interface Case {
  table: string;
  /** The id of A's row the statements aim at. */
  row: (t: Target) => string;
  /** An INSERT of a row into org A (or under one of its rows), and how it is refused. */
  insert?: { text: string; params: (t: Target) => unknown[]; refused: 'privilege' | 'policy' };
  /** A SET clause; 'hidden' when the column is one members may write, so only the policy stands in the way. */
  update: { set: string; refused: 'privilege' | 'hidden' };
  deleted: 'privilege' | 'hidden';
}

const systemOnly = (table: string, insert: string, params: (t: Target) => unknown[], set: string): Case => ({
  table,
  row: (t) => t.a[table]!,
  insert: { text: insert, params, refused: 'privilege' },
  update: { set, refused: 'privilege' },
  deleted: 'privilege',
});

const content = (table: string, insert: string, params: (t: Target) => unknown[], set: string): Case => ({
  table,
  row: (t) => t.a[table]!,
  insert: { text: insert, params, refused: 'policy' },
  update: { set, refused: 'hidden' },
  deleted: 'hidden',
});

const cases: Case[] = [
  content('projects', `INSERT INTO projects (org_id, name) VALUES ($1, 'x')`, (t) => [t.orgA], `name = 'x'`),
  content(
    'templates',
    `INSERT INTO templates (org_id, name, aspect, resolution, spec) VALUES ($1, 'x', '9:16', '1080x1920', '{}')`,
    (t) => [t.orgA],
    `name = 'x'`,
  ),
  content('workflows', `INSERT INTO workflows (org_id, name, graph) VALUES ($1, 'x', '{}')`, (t) => [t.orgA], `name = 'x'`),
  content(
    'workflow_versions',
    `INSERT INTO workflow_versions (workflow_id, version, graph) VALUES ($1, 2, '{}')`,
    (t) => [t.a.workflows],
    `graph = '{"x": 1}'`,
  ),
  content(
    'assets',
    `INSERT INTO assets (org_id, type, source, storage_key, created_by) VALUES ($1, 'image', 'upload', $2, $3)`,
    (t) => [t.orgA, `orgs/${t.orgA}/assets/x.png`, t.actor],
    `filename = 'x.png'`,
  ),
  content(
    'asset_versions',
    `INSERT INTO asset_versions (asset_id, version, storage_key) VALUES ($1, 2, $2)`,
    (t) => [t.a.assets, `orgs/${t.orgA}/assets/x-2.png`],
    `url = 'https://x'`,
  ),
  content('schedules', `INSERT INTO schedules (org_id, workflow_id, cron) VALUES ($1, $2, '* * * * *')`, (t) => [t.orgA, t.a.workflows], `enabled = false`),
  {
    table: 'jobs',
    row: (t) => t.a.jobs!,
    insert: {
      text: `INSERT INTO jobs (org_id, workflow_id, config, created_by) VALUES ($1, $2, '{}', $3)`,
      params: (t) => [t.orgA, t.a.workflows, t.actor],
      refused: 'policy',
    },
    update: { set: 'cancel_requested_at = now()', refused: 'hidden' },
    deleted: 'privilege',
  },
  systemOnly(
    'job_events',
    `INSERT INTO job_events (job_id, org_id, seq, type) VALUES ($1, $2, 99, 'job.completed')`,
    (t) => [t.a.jobs, t.orgA],
    `type = 'job.failed'`,
  ),
  systemOnly('job_logs', `INSERT INTO job_logs (job_id, level, message) VALUES ($1, 'info', 'x')`, (t) => [t.a.jobs], `message = 'x'`),
  systemOnly(
    'job_nodes',
    `INSERT INTO job_nodes (job_id, org_id, node_id, status, output) VALUES ($1, $2, 'n9', 'completed', '{}')`,
    (t) => [t.a.jobs, t.orgA],
    `status = 'completed'`,
  ),
  systemOnly('renders', `INSERT INTO renders (job_id, video_url) VALUES ($1, 'https://x/v.mp4')`, (t) => [t.a.jobs], `video_url = 'x'`),
  content('webhooks', `INSERT INTO webhooks (org_id, url, events, secret) VALUES ($1, 'https://x', '{}', 's')`, (t) => [t.orgA], `url = 'https://y'`),
  systemOnly(
    'webhook_deliveries',
    `INSERT INTO webhook_deliveries (webhook_id, event, payload) VALUES ($1, 'render.succeeded', '{}')`,
    (t) => [t.a.webhooks],
    `status = 'success'`,
  ),
  systemOnly(
    'usage_records',
    `INSERT INTO usage_records (org_id, job_id, resource_type, cost_usd) VALUES ($1, $2, 'storage', 0)`,
    (t) => [t.orgA, t.a.jobs],
    'cost_usd = 0',
  ),
  systemOnly('quota_limits', `INSERT INTO quota_limits (org_id) VALUES ($1)`, (t) => [t.orgA], 'kai_credits_limit = NULL'),
  systemOnly(
    'invoices',
    `INSERT INTO invoices (org_id, amount_usd, status, period_start, period_end) VALUES ($1, 0, 'void', '2030-03-01', '2030-03-31')`,
    (t) => [t.orgA],
    `status = 'void'`,
  ),
  systemOnly(
    'credit_packs',
    `INSERT INTO credit_packs (org_id, pack_type, credits_purchased, credits_remaining, price_usd) VALUES ($1, 'x', 1, 1, 0)`,
    (t) => [t.orgA],
    'credits_remaining = 0',
  ),
  content('integrations', `INSERT INTO integrations (org_id, provider, credentials) VALUES ($1, 'openai', '{}')`, (t) => [t.orgA], `config = '{"x": 1}'`),
  systemOnly(
    'kai_generations',
    `INSERT INTO kai_generations (org_id, job_id, type, prompt) VALUES ($1, $2, 'image', 'p')`,
    (t) => [t.orgA, t.a.jobs],
    `status = 'completed'`,
  ),
  systemOnly('audit_logs', `INSERT INTO audit_logs (org_id, action, resource_type) VALUES ($1, 'x', 'y')`, (t) => [t.orgA], `action = 'x'`),
  content(
    'api_keys',
    `INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix) VALUES ($2, $1, 'x', $3, 'fk_')`,
    (t) => [t.orgA, t.actor, `hash-cross-${t.actor}`],
    `name = 'x'`,
  ),
  {
    table: 'org_members',
    row: (t) => t.memberA,
    insert: {
      text: `INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, 'viewer')`,
      params: (t) => [t.orgA, t.actor],
      refused: 'policy',
    },
    update: { set: `role = 'viewer'`, refused: 'hidden' },
    deleted: 'hidden',
  },
  { table: 'orgs', row: (t) => t.orgA, update: { set: `name = 'x'`, refused: 'hidden' }, deleted: 'hidden' },
];

describe('tenant isolation: a member of another org, in every role', () => {
  let database: TestDatabase;
  let orgA: string;
  let orgB: string;
  let rowsA: Rows;
  let rowsB: Rows;
  let memberA: string;
  let publicTemplate: string;
  const actors: Record<string, string> = {};
  const memberships: Rows = {};

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    const q = database.query;
    const ownerA = await insertUser(q, 'ownerA');
    const ownerB = await insertUser(q, 'ownerB');
    for (const role of ['viewer', 'editor', 'admin'] as const) actors[role] = await insertUser(q, `${role}B`);
    const a = await insertOrg(q, 'org-a', ownerA, { [ownerA]: 'owner' });
    const b = await insertOrg(q, 'org-b', ownerB, {
      [ownerB]: 'owner',
      [actors.viewer!]: 'viewer',
      [actors.editor!]: 'editor',
      [actors.admin!]: 'admin',
    });
    orgA = a.orgId;
    orgB = b.orgId;
    memberA = a.memberships[ownerA]!;
    Object.assign(memberships, b.memberships);
    rowsA = await fillOrg(q, orgA, ownerA, 'a');
    rowsB = await fillOrg(q, orgB, ownerB, 'b');
    const [pub] = await q<{ id: string }>(
      `INSERT INTO templates (org_id, name, aspect, resolution, spec, is_public)
       VALUES (NULL, 'Public', '9:16', '1080x1920', '{}', true) RETURNING id`,
    );
    publicTemplate = pub!.id;
  });
  afterAll(async () => {
    await database.drop();
  });

  it('covers every org-scoped table, orgs and memberships', () => {
    expect(cases.map((c) => c.table).sort()).toEqual([...orgTables, 'org_members', 'orgs'].sort());
  });

  it.each(['viewer', 'editor', 'admin'])("B's %s sees, writes and removes none of A's rows", async (role) => {
    const actor = actors[role]!;
    const target: Target = { orgA, a: rowsA, actor, memberA };
    const { results, before, after } = await database.withUser(actor, async (q) => {
      const before = await ownerSnapshot(q);
      const results: Record<string, Record<string, Outcome>> = {};
      for (const c of cases) {
        const id = c.row(target);
        results[c.table] = {
          select: await attempt(q, `SELECT id FROM ${c.table} WHERE id = $1`, [id]),
          ...(c.insert ? { insert: await attempt(q, c.insert.text, c.insert.params(target)) } : {}),
          update: await attempt(q, `UPDATE ${c.table} SET ${c.update.set} WHERE id = $1 RETURNING id`, [id]),
          delete: await attempt(q, `DELETE FROM ${c.table} WHERE id = $1 RETURNING id`, [id]),
        };
      }
      return { results, before, after: await ownerSnapshot(q) };
    });

    const expected = Object.fromEntries(
      cases.map((c) => [
        c.table,
        {
          select: untouched,
          ...(c.insert ? { insert: c.insert.refused === 'privilege' ? noPrivilege(c.table) : policyRefused(c.table) } : {}),
          update: c.update.refused === 'privilege' ? noPrivilege(c.table) : untouched,
          delete: c.deleted === 'privilege' ? noPrivilege(c.table) : untouched,
        },
      ]),
    );
    expect(results).toEqual(expected);
    expect(after).toEqual(before);
  });

  it.each(['viewer', 'editor', 'admin'])("B's %s reads exactly B's rows and the public ones", async (role) => {
    const seen = await database.withUser(actors[role]!, async (q) => {
      const result: Record<string, string[]> = {};
      for (const table of [...orgTables, 'orgs', 'org_members']) {
        result[table] = (await q<{ id: string }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id);
      }
      return result;
    });
    const expected: Record<string, string[]> = Object.fromEntries(orgTables.map((table) => [table, [rowsB[table]!]]));
    expected.templates = [rowsB.templates!, publicTemplate].sort();
    // Invoices are for owners and admins.
    if (role !== 'admin') expected.invoices = [];
    expected.orgs = [orgB];
    expected.org_members = Object.values(memberships).sort();
    expect(seen).toEqual(expected);
  });
});
