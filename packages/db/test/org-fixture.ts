import type { TestDatabase } from './test-database';

export type Query = TestDatabase['query'];
/** Ids of one row per table, by table name. */
export type Rows = Record<string, string>;

/** Tables whose rows belong to one org, directly or through their parent. */
export const orgTables = [
  'projects',
  'templates',
  'workflows',
  'workflow_versions',
  'assets',
  'asset_versions',
  'schedules',
  'jobs',
  'job_events',
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

/** Every table of the schema, for snapshots. */
export const allTables = ['users', 'orgs', 'org_members', ...orgTables] as const;

export async function insertUser(query: Query, name: string): Promise<string> {
  const [row] = await query<{ id: string }>(`INSERT INTO users (email, password_hash, name) VALUES ($1, 'h', $2) RETURNING id`, [`${name}@example.com`, name]);
  return row!.id;
}

/** An org owned by `ownerId`, with the given members (the owner's membership included). Returns the org id and membership ids. */
export async function insertOrg(
  query: Query,
  slug: string,
  ownerId: string,
  members: Record<string, 'owner' | 'admin' | 'editor' | 'viewer'>,
): Promise<{ orgId: string; memberships: Rows }> {
  const [org] = await query<{ id: string }>(`INSERT INTO orgs (name, slug, owner_id) VALUES ($1, $1, $2) RETURNING id`, [slug, ownerId]);
  const memberships: Rows = {};
  for (const [userId, role] of Object.entries(members)) {
    const [row] = await query<{ id: string }>(`INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, $3) RETURNING id`, [org!.id, userId, role]);
    memberships[userId] = row!.id;
  }
  return { orgId: org!.id, memberships };
}

/** One row in every org-scoped table for `orgId`, made by the owning (system) role. */
export async function fillOrg(query: Query, orgId: string, userId: string, tag: string): Promise<Rows> {
  const ids: Rows = {};
  const add = async (table: string, text: string, params: unknown[]) => {
    const [row] = await query<{ id: string }>(`${text} RETURNING id`, params);
    ids[table] = row!.id;
  };
  await add('api_keys', `INSERT INTO api_keys (user_id, org_id, name, key_hash, key_prefix) VALUES ($1, $2, 'k', $3, 'fk_')`, [userId, orgId, `hash-${tag}`]);
  await add('projects', `INSERT INTO projects (org_id, name) VALUES ($1, $2)`, [orgId, `project ${tag}`]);
  await add(
    'templates',
    `INSERT INTO templates (org_id, project_id, name, aspect, resolution, spec)
     VALUES ($1, $2, $3, '9:16', '1080x1920', '{}')`,
    [orgId, ids.projects, `private ${tag}`],
  );
  await add('workflows', `INSERT INTO workflows (org_id, name, graph) VALUES ($1, $2, '{}')`, [orgId, `wf ${tag}`]);
  await add('workflow_versions', `INSERT INTO workflow_versions (workflow_id, version, graph) VALUES ($1, 1, '{}')`, [ids.workflows]);
  await add('assets', `INSERT INTO assets (org_id, type, source, storage_key) VALUES ($1, 'image', 'upload', $2)`, [orgId, `orgs/${orgId}/assets/${tag}.png`]);
  await add('asset_versions', `INSERT INTO asset_versions (asset_id, version, storage_key) VALUES ($1, 1, $2)`, [
    ids.assets,
    `orgs/${orgId}/assets/${tag}-1.png`,
  ]);
  await add('schedules', `INSERT INTO schedules (org_id, workflow_id, cron) VALUES ($1, $2, '0 10 * * *')`, [orgId, ids.workflows]);
  await add('jobs', `INSERT INTO jobs (org_id, workflow_id, config) VALUES ($1, $2, '{}')`, [orgId, ids.workflows]);
  await add('job_events', `INSERT INTO job_events (job_id, org_id, seq, type) VALUES ($1, $2, 1, 'job.started')`, [ids.jobs, orgId]);
  await add('job_logs', `INSERT INTO job_logs (job_id, level, message) VALUES ($1, 'info', 'm')`, [ids.jobs]);
  await add('job_nodes', `INSERT INTO job_nodes (job_id, org_id, node_id) VALUES ($1, $2, 'n1')`, [ids.jobs, orgId]);
  await add('renders', `INSERT INTO renders (job_id, video_url) VALUES ($1, 'https://cdn/v.mp4')`, [ids.jobs]);
  await add('webhooks', `INSERT INTO webhooks (org_id, url, events, secret) VALUES ($1, 'https://h', '{}', $2)`, [orgId, `secret-${tag}`]);
  await add('webhook_deliveries', `INSERT INTO webhook_deliveries (webhook_id, event, payload) VALUES ($1, 'render.succeeded', '{}')`, [ids.webhooks]);
  await add('usage_records', `INSERT INTO usage_records (org_id, job_id, resource_type, kai_credits, cost_usd) VALUES ($1, $2, 'kai_credits', 1, 0.1)`, [
    orgId,
    ids.jobs,
  ]);
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
  await add('integrations', `INSERT INTO integrations (org_id, provider, credentials) VALUES ($1, 'openai', $2)`, [
    orgId,
    JSON.stringify({ api_key: `sk-${tag}` }),
  ]);
  await add('kai_generations', `INSERT INTO kai_generations (org_id, job_id, type, prompt) VALUES ($1, $2, 'video', 'p')`, [orgId, ids.jobs]);
  await add('audit_logs', `INSERT INTO audit_logs (org_id, user_id, action, resource_type) VALUES ($1, $2, 'create', 'job')`, [orgId, userId]);
  return ids;
}

/** A statement refused, by SQLSTATE and message. */
export interface Refusal {
  error: { code: string; message: string };
}

/** What one statement did: the rows it returned, or the error it was refused with. */
export type Outcome = { rows: unknown[] } | Refusal;

/**
 * Runs one statement inside a savepoint, so that a refused statement does not
 * end the surrounding transaction and the next attempt (or a snapshot) can run.
 */
export async function attempt(q: Query, text: string, params: unknown[] = []): Promise<Outcome> {
  await q('SAVEPOINT attempt');
  try {
    const rows = await q(text, params);
    await q('RELEASE SAVEPOINT attempt');
    return { rows };
  } catch (error) {
    await q('ROLLBACK TO SAVEPOINT attempt');
    const { code, message } = error as { code?: string; message: string };
    return { error: { code: code ?? '', message } };
  }
}

/** Refused for lack of a table or column privilege (checked before any policy). */
export const noPrivilege = (table: string): Refusal => ({
  error: { code: '42501', message: `permission denied for table ${table}` },
});

/** Refused by a policy's WITH CHECK: the new row is not one the user may write. */
export const policyRefused = (table: string): Refusal => ({
  error: { code: '42501', message: `new row violates row-level security policy for table "${table}"` },
});

/** Refused by a CHECK constraint (or a constraint trigger raising check_violation). */
export const checkRefused = (table: string, constraint: string): Refusal => ({
  error: { code: '23514', message: `new row for relation "${table}" violates check constraint "${constraint}"` },
});

/** The statement ran and touched no row: the policies hide the row from the user. */
export const untouched: Outcome = { rows: [] };

/**
 * Every row of every table, as the owning role sees them, read inside the
 * caller's transaction (which runs as fenta_app): RESET ROLE is always
 * allowed to the session user, and the transaction's role is restored after.
 */
export async function ownerSnapshot(q: Query): Promise<Record<string, unknown[]>> {
  await q('RESET ROLE');
  try {
    const snapshot: Record<string, unknown[]> = {};
    for (const table of allTables) {
      const [row] = await q<{ rows: unknown[] }>(`SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.id), '[]') AS rows FROM ${table} t`);
      snapshot[table] = row!.rows;
    }
    return snapshot;
  } finally {
    await q('SET LOCAL ROLE fenta_app');
  }
}

export type MemberRole = 'owner' | 'admin' | 'editor' | 'viewer';

/** Two filled orgs: A with a member in every role, B with its owner only. */
export interface TwoOrgs {
  orgA: string;
  orgB: string;
  rowsA: Rows;
  rowsB: Rows;
  /** A's members by role, and B's owner as 'ownerB'. */
  users: Record<MemberRole | 'ownerB', string>;
}

export async function createTwoOrgs(query: Query): Promise<TwoOrgs> {
  const users = {} as TwoOrgs['users'];
  for (const name of ['owner', 'admin', 'editor', 'viewer', 'ownerB'] as const) users[name] = await insertUser(query, `${name}-of-two`);
  const a = await insertOrg(query, 'two-a', users.owner, {
    [users.owner]: 'owner',
    [users.admin]: 'admin',
    [users.editor]: 'editor',
    [users.viewer]: 'viewer',
  });
  const b = await insertOrg(query, 'two-b', users.ownerB, { [users.ownerB]: 'owner' });
  return {
    orgA: a.orgId,
    orgB: b.orgId,
    rowsA: await fillOrg(query, a.orgId, users.owner, 'a'),
    rowsB: await fillOrg(query, b.orgId, users.ownerB, 'b'),
    users,
  };
}

/**
 * Runs labelled statements in one transaction as `userId`, each in its own
 * savepoint; returns each outcome and the owner's view of every table before
 * and after them (read inside that transaction, before it is rolled back).
 */
export async function attemptAll(
  database: TestDatabase,
  userId: string,
  statements: Record<string, [string, unknown[]?]>,
): Promise<{ outcomes: Record<string, Outcome>; before: unknown; after: unknown }> {
  return database.withUser(userId, async (q) => {
    const before = await ownerSnapshot(q);
    const outcomes: Record<string, Outcome> = {};
    for (const [label, [text, params]] of Object.entries(statements)) outcomes[label] = await attempt(q, text, params ?? []);
    return { outcomes, before, after: await ownerSnapshot(q) };
  });
}
