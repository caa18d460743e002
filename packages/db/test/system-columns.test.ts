import { attemptAll, checkRefused, createTwoOrgs, noPrivilege, policyRefused, untouched, type Outcome, type TwoOrgs } from './org-fixture';
import { createTestDatabase, type TestDatabase } from './test-database';

// Members of an org, in every role but owner, try to write what only the
// system writes in their own org: execution rows, a job's state and costs, a
// template's publication, an asset's probe data and storage key, an org's
// id. Each attempt is refused, and the owner's view of every table is the
// same afterwards. What members may do still works.

type Statements = Record<string, [string, unknown[]?]>;

const roles = ['viewer', 'editor', 'admin'] as const;

describe('within an org: what only the system writes', () => {
  let database: TestDatabase;
  let two: TwoOrgs;
  let completedJob: string;
  let cancellingJob: string;
  let publicTemplate: string;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    two = await createTwoOrgs(database.query);
    const q = database.query;
    [{ id: completedJob }] = (await q<{ id: string }>(
      `INSERT INTO jobs (org_id, config, status, completed_at) VALUES ($1, '{}', 'completed', now()) RETURNING id`,
      [two.orgA],
    )) as [{ id: string }];
    [{ id: cancellingJob }] = (await q<{ id: string }>(
      `INSERT INTO jobs (org_id, config, status, cancel_requested_at) VALUES ($1, '{}', 'processing', now()) RETURNING id`,
      [two.orgA],
    )) as [{ id: string }];
    [{ id: publicTemplate }] = (await q<{ id: string }>(
      `INSERT INTO templates (org_id, name, aspect, resolution, spec, is_public)
       VALUES (NULL, 'Public', '9:16', '1080x1920', '{}', true) RETURNING id`,
    )) as [{ id: string }];
  });
  afterAll(async () => {
    await database.drop();
  });

  /** Runs `statements` as `role` of A; expects `expected(role)` and no change at all. */
  async function expectRefused(role: string, statements: Statements, expected: Record<string, Outcome>) {
    const { outcomes, before, after } = await attemptAll(database, two.users[role as 'viewer']!, statements);
    expect(outcomes).toEqual(expected);
    expect(after).toEqual(before);
  }

  it.each(roles)('the %s writes none of the execution and billing tables', async (role) => {
    const { orgA, rowsA: a } = two;
    const statements: Statements = {
      'job_nodes: a forged completed checkpoint': [
        `INSERT INTO job_nodes (job_id, org_id, node_id, status, output) VALUES ($1, $2, 'n2', 'completed', '{"file": "x"}')`,
        [a.jobs, orgA],
      ],
      'job_nodes: completing a checkpoint': [`UPDATE job_nodes SET status = 'completed', output = '{}' WHERE id = $1`, [a.job_nodes]],
      'job_nodes: removing a checkpoint': [`DELETE FROM job_nodes WHERE id = $1`, [a.job_nodes]],
      'renders: a forged render': [`INSERT INTO renders (job_id, video_url) VALUES ($1, 'https://evil/v.mp4')`, [a.jobs]],
      'renders: a changed video': [`UPDATE renders SET video_storage_path = 'orgs/x/v.mp4' WHERE id = $1`, [a.renders]],
      'renders: a removed render': [`DELETE FROM renders WHERE id = $1`, [a.renders]],
      'job_events: a forged event': [`INSERT INTO job_events (job_id, org_id, seq, type) VALUES ($1, $2, 99, 'job.completed')`, [a.jobs, orgA]],
      'job_events: a changed event': [`UPDATE job_events SET type = 'job.failed' WHERE id = $1`, [a.job_events]],
      'job_events: a removed event': [`DELETE FROM job_events WHERE id = $1`, [a.job_events]],
      'job_logs: a forged line': [`INSERT INTO job_logs (job_id, level, message) VALUES ($1, 'info', 'x')`, [a.jobs]],
      'job_logs: a changed line': [`UPDATE job_logs SET message = 'x' WHERE id = $1`, [a.job_logs]],
      'job_logs: a removed line': [`DELETE FROM job_logs WHERE id = $1`, [a.job_logs]],
      'usage_records: negative usage': [
        `INSERT INTO usage_records (org_id, resource_type, kai_credits, cost_usd) VALUES ($1, 'kai_credits', -100, -10)`,
        [orgA],
      ],
      'usage_records: cheaper usage': [`UPDATE usage_records SET cost_usd = 0 WHERE id = $1`, [a.usage_records]],
      'usage_records: forgotten usage': [`DELETE FROM usage_records WHERE id = $1`, [a.usage_records]],
      'webhook_deliveries: a forged delivery': [
        `INSERT INTO webhook_deliveries (webhook_id, event, payload) VALUES ($1, 'render.succeeded', '{}')`,
        [a.webhooks],
      ],
      'webhook_deliveries: a delivery marked sent': [`UPDATE webhook_deliveries SET status = 'success' WHERE id = $1`, [a.webhook_deliveries]],
      'webhook_deliveries: a removed delivery': [`DELETE FROM webhook_deliveries WHERE id = $1`, [a.webhook_deliveries]],
      'kai_generations: a forged generation': [
        `INSERT INTO kai_generations (org_id, job_id, type, prompt, status) VALUES ($1, $2, 'image', 'p', 'completed')`,
        [orgA, a.jobs],
      ],
      'kai_generations: free credits': [`UPDATE kai_generations SET credits_used = 0 WHERE id = $1`, [a.kai_generations]],
      'kai_generations: a removed generation': [`DELETE FROM kai_generations WHERE id = $1`, [a.kai_generations]],
      'quota_limits: no limit': [`UPDATE quota_limits SET kai_credits_limit = NULL WHERE id = $1`, [a.quota_limits]],
      'credit_packs: free credits': [`UPDATE credit_packs SET credits_remaining = credits_purchased WHERE id = $1`, [a.credit_packs]],
      'invoices: a paid invoice': [`UPDATE invoices SET status = 'paid' WHERE id = $1`, [a.invoices]],
      'audit_logs: a removed trail': [`DELETE FROM audit_logs WHERE id = $1`, [a.audit_logs]],
    };
    const expected = Object.fromEntries(Object.keys(statements).map((label) => [label, noPrivilege(label.split(':')[0]!)]));
    await expectRefused(role, statements, expected);
  });

  it.each(roles)("the %s chooses none of a job's id, state, result, costs, timing or retries", async (role) => {
    const { orgA, rowsA: a, users } = two;
    const me = users[role];
    const insertWith = (column: string, value: string): [string, unknown[]] => [
      `INSERT INTO jobs (org_id, config, created_by, ${column}) VALUES ($1, '{}', $2, ${value})`,
      [orgA, me],
    ];
    const statements: Statements = {
      'insert id': insertWith('id', `'job_chosen'`),
      'insert status': insertWith('status', `'completed'`),
      'insert progress': insertWith('progress', '100'),
      'insert result': insertWith('result', `'{"video_url": "https://evil/v.mp4"}'`),
      'insert error': insertWith('error', `'{}'`),
      'insert cost_tokens': insertWith('cost_tokens', '-1'),
      'insert cost_total_usd': insertWith('cost_total_usd', '0'),
      'insert started_at': insertWith('started_at', 'now()'),
      'insert completed_at': insertWith('completed_at', 'now()'),
      'insert retry_count': insertWith('retry_count', '99'),
      'insert parent_job_id': insertWith('parent_job_id', `'${a.jobs}'`),
      'insert schedule_id': insertWith('schedule_id', `'${a.schedules}'`),
      'insert scheduled_for': insertWith('scheduled_for', 'now()'),
      'update status': [`UPDATE jobs SET status = 'queued' WHERE id = $1`, [completedJob]],
      'update result': [`UPDATE jobs SET result = '{}' WHERE id = $1`, [a.jobs]],
      'update error': [`UPDATE jobs SET error = NULL WHERE id = $1`, [a.jobs]],
      'update cost_tokens': [`UPDATE jobs SET cost_tokens = 0 WHERE id = $1`, [a.jobs]],
      'update cost_kai_credits': [`UPDATE jobs SET cost_kai_credits = 0 WHERE id = $1`, [a.jobs]],
      'update progress': [`UPDATE jobs SET progress = 100 WHERE id = $1`, [a.jobs]],
      'update retry_count': [`UPDATE jobs SET retry_count = 0 WHERE id = $1`, [a.jobs]],
      'update id': [`UPDATE jobs SET id = 'job_moved' WHERE id = $1`, [a.jobs]],
      'update config': [`UPDATE jobs SET config = '{}' WHERE id = $1`, [a.jobs]],
      'update created_by': [`UPDATE jobs SET created_by = $2 WHERE id = $1`, [a.jobs, me]],
      delete: [`DELETE FROM jobs WHERE id = $1`, [a.jobs]],
      // Allowed columns, but for someone else, or for nobody.
      'insert for another user': [`INSERT INTO jobs (org_id, config, created_by) VALUES ($1, '{}', $2)`, [orgA, role === 'admin' ? users.editor : users.admin]],
      'insert for nobody': [`INSERT INTO jobs (org_id, config) VALUES ($1, '{}')`, [orgA]],
      // A request to stop is not withdrawn, and a finished job is history.
      'withdraw a cancel request': [`UPDATE jobs SET cancel_requested_at = NULL WHERE id = $1 RETURNING id`, [cancellingJob]],
      'cancel a completed job': [`UPDATE jobs SET cancel_requested_at = now() WHERE id = $1 RETURNING id`, [completedJob]],
    };
    const expected: Record<string, Outcome> = {};
    for (const label of Object.keys(statements)) expected[label] = noPrivilege('jobs');
    expected['insert for another user'] = policyRefused('jobs');
    expected['insert for nobody'] = policyRefused('jobs');
    expected['withdraw a cancel request'] = role === 'viewer' ? untouched : policyRefused('jobs');
    expected['cancel a completed job'] = untouched;
    await expectRefused(role, statements, expected);
  });

  it.each(['editor', 'admin'] as const)('the %s starts a job with the allowed columns, and asks it to stop', async (role) => {
    const { orgA, rowsA: a, users } = two;
    const me = users[role];
    const result = await database.withUser(me, async (q) => {
      const [job] = await q<{ id: string; status: string; progress: number; cost_tokens: string; created_by: string }>(
        `INSERT INTO jobs (org_id, workflow_id, template_id, project_id, idempotency_key, config, created_by)
         VALUES ($1, $2, $3, $4, 'request-1', '{"graph": {}}', $5)
         RETURNING id, status, progress, cost_tokens::text, created_by`,
        [orgA, a.workflows, publicTemplate, a.projects, me],
      );
      const [ownTemplate] = await q<{ template_id: string }>(
        `INSERT INTO jobs (org_id, template_id, config, created_by) VALUES ($1, $2, '{}', $3) RETURNING template_id`,
        [orgA, a.templates, me],
      );
      const cancelled = await q<{ asked: boolean }>(
        `UPDATE jobs SET cancel_requested_at = coalesce(cancel_requested_at, now())
         WHERE id = $1 AND org_id = $2 AND status IN ('queued', 'processing')
         RETURNING cancel_requested_at IS NOT NULL AS asked`,
        [job!.id, orgA],
      );
      return { job, ownTemplate, cancelled };
    });
    expect(result.job).toEqual({ id: expect.stringMatching(/^job_[0-9a-f-]{36}$/), status: 'queued', progress: 0, cost_tokens: '0', created_by: me });
    expect(result.ownTemplate).toEqual({ template_id: two.rowsA.templates });
    expect(result.cancelled).toEqual([{ asked: true }]);
  });

  it("refuses a job naming another org's workflow, project or private template, for members as for the system", async () => {
    const { orgA, rowsB: b, users } = two;
    const statements: Statements = {
      workflow: [`INSERT INTO jobs (org_id, workflow_id, config, created_by) VALUES ($1, $2, '{}', $3)`, [orgA, b.workflows, users.editor]],
      project: [`INSERT INTO jobs (org_id, project_id, config, created_by) VALUES ($1, $2, '{}', $3)`, [orgA, b.projects, users.editor]],
      template: [`INSERT INTO jobs (org_id, template_id, config, created_by) VALUES ($1, $2, '{}', $3)`, [orgA, b.templates, users.editor]],
    };
    const fk = (constraint: string): Outcome => ({
      error: { code: '23503', message: `insert or update on table "jobs" violates foreign key constraint "${constraint}"` },
    });
    const expected = {
      workflow: fk('jobs_workflow_id_org_id_fkey'),
      project: fk('jobs_project_id_org_id_fkey'),
      template: fk('jobs_template_visible'),
    };
    await expectRefused('editor', statements, expected);
    for (const [label, [text, params]] of Object.entries(statements)) {
      await expect(database.query(text, params)).rejects.toMatchObject((expected as Record<string, { error: object }>)[label]!.error);
    }
  });

  it.each(roles)('the %s neither publishes a template nor sets its id, org or usage count', async (role) => {
    const { orgA, rowsA: a } = two;
    const statements: Statements = {
      'insert published': [
        `INSERT INTO templates (org_id, name, aspect, resolution, spec, is_public) VALUES ($1, 'x', '9:16', '1080x1920', '{}', true)`,
        [orgA],
      ],
      'insert with an id': [
        `INSERT INTO templates (id, org_id, name, aspect, resolution, spec) VALUES ('tmpl_shorts_v2', $1, 'x', '9:16', '1080x1920', '{}')`,
        [orgA],
      ],
      'insert with a usage count': [
        `INSERT INTO templates (org_id, name, aspect, resolution, spec, usage_count) VALUES ($1, 'x', '9:16', '1080x1920', '{}', 1000)`,
        [orgA],
      ],
      'insert without an org': [`INSERT INTO templates (org_id, name, aspect, resolution, spec) VALUES (NULL, 'x', '9:16', '1080x1920', '{}')`],
      publish: [`UPDATE templates SET is_public = true WHERE id = $1`, [a.templates]],
      'count uses': [`UPDATE templates SET usage_count = 1000 WHERE id = $1`, [a.templates]],
      'move to no org': [`UPDATE templates SET org_id = NULL WHERE id = $1`, [a.templates]],
      'change a public one': [`UPDATE templates SET name = 'mine' WHERE id = $1 RETURNING id`, [publicTemplate]],
    };
    await expectRefused(role, statements, {
      'insert published': noPrivilege('templates'),
      'insert with an id': noPrivilege('templates'),
      'insert with a usage count': noPrivilege('templates'),
      'insert without an org': policyRefused('templates'),
      publish: noPrivilege('templates'),
      'count uses': noPrivilege('templates'),
      'move to no org': noPrivilege('templates'),
      'change a public one': untouched,
    });
  });

  it.each(roles)("the %s sets none of an asset's status, probe data or place, nor a key outside its org", async (role) => {
    const { orgA, orgB, rowsA: a, users } = two;
    const me = users[role];
    const insertAsset = (key: string, extra = '', value = ''): [string, unknown[]] => [
      `INSERT INTO assets (org_id, type, source, storage_key, created_by${extra}) VALUES ($1, 'video', 'upload', $2, $3${value})`,
      [orgA, key, me],
    ];
    const ownKey = `orgs/${orgA}/uploads/clip.mp4`;
    const statements: Statements = {
      'insert ready': insertAsset(ownKey, ', status', `, 'ready'`),
      'insert probed': insertAsset(ownKey, ', duration_seconds, width', ', 10, 1080'),
      'insert a url': insertAsset(ownKey, ', url', `, 'https://evil/clip.mp4'`),
      'insert a bucket': insertAsset(ownKey, ', storage_bucket', `, 'other-bucket'`),
      'insert an id': insertAsset(ownKey, ', id', `, 'asset_chosen'`),
      'update the key': [`UPDATE assets SET storage_key = $2 WHERE id = $1`, [a.assets, `orgs/${orgB}/assets/b.png`]],
      'update the status': [`UPDATE assets SET status = 'ready' WHERE id = $1`, [a.assets]],
      'update the size': [`UPDATE assets SET size_bytes = 1 WHERE id = $1`, [a.assets]],
      'update the org': [`UPDATE assets SET org_id = $2 WHERE id = $1`, [a.assets, orgB]],
      "a key in B's files": insertAsset(`orgs/${orgB}/assets/b.png`),
      'a key climbing out': insertAsset(`orgs/${orgA}/../${orgB}/assets/b.png`),
      'for another user': [
        `INSERT INTO assets (org_id, type, source, storage_key, created_by) VALUES ($1, 'video', 'upload', $2, $3)`,
        [orgA, ownKey, role === 'admin' ? users.editor : users.admin],
      ],
      "a version in B's files": [`INSERT INTO asset_versions (asset_id, version, storage_key) VALUES ($1, 2, $2)`, [a.assets, `orgs/${orgB}/assets/b.png`]],
    };
    const writer = role !== 'viewer';
    await expectRefused(role, statements, {
      'insert ready': noPrivilege('assets'),
      'insert probed': noPrivilege('assets'),
      'insert a url': noPrivilege('assets'),
      'insert a bucket': noPrivilege('assets'),
      'insert an id': noPrivilege('assets'),
      'update the key': noPrivilege('assets'),
      'update the status': noPrivilege('assets'),
      'update the size': noPrivilege('assets'),
      'update the org': noPrivilege('assets'),
      "a key in B's files": writer ? checkRefused('assets', 'assets_storage_key_check') : policyRefused('assets'),
      'a key climbing out': writer ? checkRefused('assets', 'assets_storage_key_check') : policyRefused('assets'),
      'for another user': policyRefused('assets'),
      "a version in B's files": writer ? checkRefused('asset_versions', 'asset_versions_storage_key_check') : policyRefused('asset_versions'),
    });
  });

  it('lets an editor register an upload, left processing until the system probes it, and tag it', async () => {
    const { orgA, users } = two;
    const made = await database.withUser(users.editor, async (q) => {
      const [asset] = await q<{ id: string; status: string }>(
        `INSERT INTO assets (org_id, type, source, storage_key, filename, content_type, metadata, created_by)
         VALUES ($1, 'video', 'upload', $2, 'clip.mp4', 'video/mp4', '{"tags": ["city"]}', $3) RETURNING id, status`,
        [orgA, `orgs/${orgA}/uploads/clip.mp4`, users.editor],
      );
      const tagged = await q(`UPDATE assets SET metadata = '{"tags": ["night"]}', filename = 'night.mp4' WHERE id = $1 RETURNING filename`, [asset!.id]);
      return { status: asset!.status, tagged };
    });
    expect(made).toEqual({ status: 'processing', tagged: [{ filename: 'night.mp4' }] });
  });

  it('makes an org id in the database, never from the tenant', async () => {
    const { users } = two;
    const { outcomes, before, after } = await attemptAll(database, users.viewer, {
      'insert with an id': [`INSERT INTO orgs (id, name, slug, owner_id) VALUES ('org_mine', 'M', 'mine', $1)`, [users.viewer]],
      'update the id': [`UPDATE orgs SET id = 'org_mine' WHERE id = $1`, [two.orgA]],
    });
    expect(outcomes).toEqual({ 'insert with an id': noPrivilege('orgs'), 'update the id': noPrivilege('orgs') });
    expect(after).toEqual(before);
    const made = await database.withUser(users.viewer, (q) =>
      q(`INSERT INTO orgs (name, slug, owner_id) VALUES ('M', 'mine', $1) RETURNING id ~ '^org_[0-9a-f-]{36}$' AS made`, [users.viewer]),
    );
    expect(made).toEqual([{ made: true }]);
  });
});
