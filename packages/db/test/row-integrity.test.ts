import { createTwoOrgs, fillOrg, insertOrg, insertUser, type Rows, type TwoOrgs } from './org-fixture';
import { createTestDatabase, type TestDatabase } from './test-database';

// What holds for every writer, the system included (these run as the owning
// role, as the worker and the scheduler do): storage keys under the asset's
// own org, node ids of one shape, no reference across orgs, and the ON DELETE
// behaviour of those references.

describe('row integrity, for the system as for tenants', () => {
  let database: TestDatabase;
  let two: TwoOrgs;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    two = await createTwoOrgs(database.query);
  });
  afterAll(async () => {
    await database.drop();
  });

  const rejection = (code: string, constraint: string) => ({ code, constraint });

  describe('storage keys', () => {
    const insertAsset = (orgId: string, key: string) =>
      database.query<{ id: string }>(`INSERT INTO assets (org_id, type, source, storage_key) VALUES ($1, 'video', 'generated', $2) RETURNING id`, [orgId, key]);

    it("accepts keys under orgs/<the asset's org>/", async () => {
      const { orgA } = two;
      for (const key of [
        `orgs/${orgA}/a.png`,
        `orgs/${orgA}/jobs/job_0193/n1/out.mp4`,
        `orgs/${orgA}/uploads/my clip (1).mp4`,
        `orgs/${orgA}/uploads/überall.mp4`,
        `orgs/${orgA}/.hidden/x..y`,
      ]) {
        expect(await insertAsset(orgA, key)).toEqual([{ id: expect.stringMatching(/^asset_/) }]);
      }
    });

    it('refuses keys of another org, outside orgs/, with empty, . or .. segments, backslashes or control characters', async () => {
      const { orgA, orgB } = two;
      const refused = [
        `orgs/${orgB}/assets/b.png`,
        `orgs/${orgA}b/x.png`,
        `orgs/${orgA}`,
        `orgs/${orgA}/`,
        `orgs/${orgA}//x.png`,
        `orgs/${orgA}/x/`,
        `orgs/${orgA}/../${orgB}/b.png`,
        `orgs/${orgA}/x/../../${orgB}/b.png`,
        `orgs/${orgA}/./x.png`,
        `orgs/${orgA}/..`,
        `/orgs/${orgA}/x.png`,
        `s3://bucket/orgs/${orgA}/x.png`,
        `ORGS/${orgA}/x.png`,
        `orgs/${orgA}/x\\..\\y.png`,
        `orgs/${orgA}/x\ny.png`,
        `orgs/${orgA}/x\ty.png`,
        `orgs/${orgA}/x\u007f.png`,
      ];
      for (const key of refused) {
        await expect(insertAsset(orgA, key)).rejects.toMatchObject(rejection('23514', 'assets_storage_key_check'));
      }
      // Moving an existing asset's file is held to the same rule.
      await expect(database.query(`UPDATE assets SET storage_key = $2 WHERE id = $1`, [two.rowsA.assets, `orgs/${orgB}/assets/b.png`])).rejects.toMatchObject(
        rejection('23514', 'assets_storage_key_check'),
      );
      // A NUL never gets that far: text cannot hold one.
      await expect(insertAsset(orgA, `orgs/${orgA}/x\u0000.png`)).rejects.toMatchObject({ code: '22021' });
    });

    it("holds asset versions to their asset's org", async () => {
      const version = (key: string) =>
        database.query(`INSERT INTO asset_versions (asset_id, version, storage_key) VALUES ($1, 7, $2) RETURNING version`, [two.rowsA.assets, key]);
      await expect(version(`orgs/${two.orgB}/assets/b.png`)).rejects.toMatchObject(rejection('23514', 'asset_versions_storage_key_check'));
      await expect(version(`orgs/${two.orgA}/../x.png`)).rejects.toMatchObject(rejection('23514', 'asset_versions_storage_key_check'));
      expect(await version(`orgs/${two.orgA}/assets/a-7.png`)).toEqual([{ version: 7 }]);
      await expect(
        database.query(`UPDATE asset_versions SET storage_key = $2 WHERE id = $1`, [two.rowsA.asset_versions, `orgs/${two.orgB}/b.png`]),
      ).rejects.toMatchObject(rejection('23514', 'asset_versions_storage_key_check'));
    });
  });

  describe('node ids', () => {
    it.each([
      ['job_nodes', `INSERT INTO job_nodes (job_id, org_id, node_id) VALUES ($1, $2, $3)`],
      ['usage_records', `INSERT INTO usage_records (job_id, org_id, node_id, resource_type, cost_usd) VALUES ($1, $2, $3, 'storage', 0)`],
    ])('%s takes node ids of 1 to 64 of [A-Za-z0-9_-] only', async (table, text) => {
      const insert = (nodeId: string) => database.query(text, [two.rowsA.jobs, two.orgA, nodeId]);
      for (const nodeId of ['n2', 'Voice_TTS-1', 'x'.repeat(64)]) await insert(nodeId);
      for (const nodeId of ['', 'x'.repeat(65), 'n/1', '../n1', 'n.1', 'n 1', 'n\n1', 'ñ']) {
        await expect(insert(nodeId)).rejects.toMatchObject(rejection('23514', `${table}_node_id_check`));
      }
    });
  });

  describe('references stay inside their org', () => {
    it("refuses every reference to another org's row", async () => {
      const { orgA, rowsA: a, rowsB: b } = two;
      const attempts: [string, string, unknown[]][] = [
        ['job_nodes_job_id_org_id_fkey', `INSERT INTO job_nodes (job_id, org_id, node_id) VALUES ($1, $2, 'across')`, [b.jobs, orgA]],
        [
          'usage_records_job_id_org_id_fkey',
          `INSERT INTO usage_records (job_id, org_id, resource_type, cost_usd) VALUES ($1, $2, 'storage', 0)`,
          [b.jobs, orgA],
        ],
        ['kai_generations_job_id_org_id_fkey', `INSERT INTO kai_generations (job_id, org_id, type, prompt) VALUES ($1, $2, 'image', 'p')`, [b.jobs, orgA]],
        ['jobs_workflow_id_org_id_fkey', `INSERT INTO jobs (org_id, workflow_id, config) VALUES ($1, $2, '{}')`, [orgA, b.workflows]],
        ['jobs_project_id_org_id_fkey', `INSERT INTO jobs (org_id, project_id, config) VALUES ($1, $2, '{}')`, [orgA, b.projects]],
        ['jobs_schedule_id_org_id_fkey', `INSERT INTO jobs (org_id, schedule_id, scheduled_for, config) VALUES ($1, $2, now(), '{}')`, [orgA, b.schedules]],
        ['jobs_parent_job_id_org_id_fkey', `INSERT INTO jobs (org_id, parent_job_id, config) VALUES ($1, $2, '{}')`, [orgA, b.jobs]],
        ['jobs_template_visible', `INSERT INTO jobs (org_id, template_id, config) VALUES ($1, $2, '{}')`, [orgA, b.templates]],
        ['jobs_template_visible', `UPDATE jobs SET template_id = $2 WHERE id = $1`, [a.jobs, b.templates]],
        ['schedules_workflow_id_org_id_fkey', `INSERT INTO schedules (org_id, workflow_id, cron) VALUES ($1, $2, '0 * * * *')`, [orgA, b.workflows]],
        ['workflows_project_id_org_id_fkey', `INSERT INTO workflows (org_id, project_id, name, graph) VALUES ($1, $2, 'w', '{}')`, [orgA, b.projects]],
        [
          'assets_project_id_org_id_fkey',
          `INSERT INTO assets (org_id, project_id, type, source, storage_key) VALUES ($1, $2, 'image', 'upload', $3)`,
          [orgA, b.projects, `orgs/${orgA}/p.png`],
        ],
        [
          'templates_project_id_org_id_fkey',
          `INSERT INTO templates (org_id, project_id, name, aspect, resolution, spec) VALUES ($1, $2, 't', '9:16', '1080x1920', '{}')`,
          [orgA, b.projects],
        ],
        ['job_nodes_job_id_org_id_fkey', `UPDATE job_nodes SET org_id = $2 WHERE id = $1`, [a.job_nodes, two.orgB]],
      ];
      for (const [constraint, text, params] of attempts) {
        await expect(database.query(text, params)).rejects.toMatchObject(rejection('23503', constraint));
      }
      // A template of no org (Fenta's own) belongs to no project, so none can name another org's.
      await expect(
        database.query(
          `INSERT INTO templates (org_id, project_id, name, aspect, resolution, spec, is_public) VALUES (NULL, $1, 't', '9:16', '1080x1920', '{}', true)`,
          [b.projects],
        ),
      ).rejects.toMatchObject(rejection('23514', 'templates_project_needs_org_check'));
    });

    it('refuses moving a row to another org while rows of its org point at it', async () => {
      await expect(database.query(`UPDATE workflows SET org_id = $2 WHERE id = $1`, [two.rowsA.workflows, two.orgB])).rejects.toMatchObject({
        code: '23503',
        message: 'update or delete on table "workflows" violates foreign key constraint "jobs_workflow_id_org_id_fkey" on table "jobs"',
      });
      await expect(database.query(`UPDATE jobs SET org_id = $2 WHERE id = $1`, [two.rowsA.jobs, two.orgB])).rejects.toMatchObject({
        code: '23503',
        message: 'update or delete on table "jobs" violates foreign key constraint "job_nodes_job_id_org_id_fkey" on table "job_nodes"',
      });
    });

    it("lets a job name its own org's templates and public ones", async () => {
      const [pub] = await database.query<{ id: string }>(
        `INSERT INTO templates (org_id, name, aspect, resolution, spec, is_public) VALUES (NULL, 'p', '9:16', '1080x1920', '{}', true) RETURNING id`,
      );
      const [sharedByB] = await database.query<{ id: string }>(
        `INSERT INTO templates (org_id, name, aspect, resolution, spec, is_public) VALUES ($1, 's', '9:16', '1080x1920', '{}', true) RETURNING id`,
        [two.orgB],
      );
      for (const templateId of [two.rowsA.templates, pub!.id, sharedByB!.id]) {
        const rows = await database.query(`INSERT INTO jobs (org_id, template_id, config) VALUES ($1, $2, '{}') RETURNING template_id`, [two.orgA, templateId]);
        expect(rows).toEqual([{ template_id: templateId }]);
      }
    });
  });

  describe('ON DELETE keeps what the single-column keys did, and never nulls org_id', () => {
    let orgC: string;
    let c: Rows;
    let child: string;
    let scheduledJob: string;
    let projectJob: string;
    let projectAsset: string;
    let projectWorkflow: string;
    let made = 0;

    // A fresh org C per case: each case deletes something of it.
    beforeEach(async () => {
      made += 1;
      const owner = await insertUser(database.query, `deleter-${made}`);
      ({ orgId: orgC } = await insertOrg(database.query, `org-c-${made}`, owner, { [owner]: 'owner' }));
      c = await fillOrg(database.query, orgC, owner, `c-${made}`);
      const one = async (text: string, params: unknown[]) => (await database.query<{ id: string }>(`${text} RETURNING id`, params))[0]!.id;
      child = await one(`INSERT INTO jobs (org_id, parent_job_id, config) VALUES ($1, $2, '{}')`, [orgC, c.jobs]);
      scheduledJob = await one(`INSERT INTO jobs (org_id, schedule_id, scheduled_for, config) VALUES ($1, $2, now(), '{}')`, [orgC, c.schedules]);
      projectJob = await one(`INSERT INTO jobs (org_id, project_id, config) VALUES ($1, $2, '{}')`, [orgC, c.projects]);
      projectAsset = await one(`INSERT INTO assets (org_id, project_id, type, source, storage_key) VALUES ($1, $2, 'image', 'upload', $3)`, [
        orgC,
        c.projects,
        `orgs/${orgC}/p.png`,
      ]);
      projectWorkflow = await one(`INSERT INTO workflows (org_id, project_id, name, graph) VALUES ($1, $2, 'p', '{}')`, [orgC, c.projects]);
    });

    const row = async (table: string, id: string, columns: string) => (await database.query(`SELECT ${columns} FROM ${table} WHERE id = $1`, [id]))[0] ?? null;

    it('a deleted job takes its checkpoints, and leaves usage, generations and child jobs in the org', async () => {
      await database.query(`DELETE FROM jobs WHERE id = $1`, [c.jobs]);
      expect({
        node: await row('job_nodes', c.job_nodes!, 'id'),
        usage: await row('usage_records', c.usage_records!, 'job_id, org_id'),
        generation: await row('kai_generations', c.kai_generations!, 'job_id, org_id'),
        child: await row('jobs', child, 'parent_job_id, org_id'),
      }).toEqual({
        node: null,
        usage: { job_id: null, org_id: orgC },
        generation: { job_id: null, org_id: orgC },
        child: { parent_job_id: null, org_id: orgC },
      });
    });

    it('a deleted workflow takes its schedules and leaves its jobs; a deleted schedule leaves its jobs', async () => {
      await database.query(`DELETE FROM schedules WHERE id = $1`, [c.schedules]);
      expect(await row('jobs', scheduledJob, 'schedule_id, org_id')).toEqual({ schedule_id: null, org_id: orgC });
      await database.query(`DELETE FROM workflows WHERE id = $1`, [c.workflows]);
      expect(await row('jobs', c.jobs!, 'workflow_id, org_id')).toEqual({ workflow_id: null, org_id: orgC });
    });

    it('a deleted project takes its templates and leaves its assets, workflows and jobs', async () => {
      await database.query(`DELETE FROM projects WHERE id = $1`, [c.projects]);
      expect({
        template: await row('templates', c.templates!, 'id'),
        asset: await row('assets', projectAsset, 'project_id, org_id'),
        workflow: await row('workflows', projectWorkflow, 'project_id, org_id'),
        job: await row('jobs', projectJob, 'project_id, org_id'),
      }).toEqual({
        template: null,
        asset: { project_id: null, org_id: orgC },
        workflow: { project_id: null, org_id: orgC },
        job: { project_id: null, org_id: orgC },
      });
    });

    it('a deleted org takes everything of its own', async () => {
      await database.query(`DELETE FROM orgs WHERE id = $1`, [orgC]);
      const [left] = await database.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM jobs WHERE org_id = $1) + (SELECT count(*) FROM job_nodes WHERE org_id = $1)
              + (SELECT count(*) FROM usage_records WHERE org_id = $1) + (SELECT count(*) FROM projects WHERE org_id = $1)
              + (SELECT count(*) FROM assets WHERE org_id = $1) + (SELECT count(*) FROM kai_generations WHERE org_id = $1) AS n`,
        [orgC],
      );
      expect(Number(left!.n)).toBe(0);
    });
  });
});
