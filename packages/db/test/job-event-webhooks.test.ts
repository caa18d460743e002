import { seedDemoOrg } from '../src';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';

type Json = Record<string, any>;

/**
 * job.progress and workflow.run.finished are queued by a trigger on
 * job_events (00020), in the transaction of the change they tell of, for
 * the org's enabled endpoints subscribed to them.
 */
describe('webhook events of a job', () => {
  let database: TestDatabase;
  let orgId: string;
  let workflowId: string;
  const q = <T = Json>(text: string, params?: unknown[]) => database.query<T>(text, params);

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    ({ orgId, workflowId } = await seedDemoOrg(database.db));
  });
  afterAll(async () => {
    await database.drop();
  });

  const hook = async (events: string[], enabled = true) =>
    (
      await q<{ id: string }>(`INSERT INTO webhooks (org_id, url, events, secret, enabled) VALUES ($1, 'https://93.184.216.34/h', $2, 'x', $3) RETURNING id`, [
        orgId,
        events,
        enabled,
      ])
    )[0]!.id;
  const deliveriesOf = (webhookId: string) =>
    q<{ event: string; payload: Json }>(`SELECT event, payload FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at, id`, [webhookId]);

  it('sends job.progress when a node finishes and workflow.run.finished when the job ends, only to subscribers', async () => {
    const progress = await hook(['job.progress']);
    const finished = await hook(['workflow.run.finished']);
    const off = await hook(['job.progress', 'workflow.run.finished'], false);
    const [job] = await q<{ id: string }>(
      `INSERT INTO jobs (org_id, workflow_id, config, created_by, status, started_at) VALUES ($1, $2, '{}', 'user_demo', 'processing', now()) RETURNING id`,
      [orgId, workflowId],
    );
    const jobId = job!.id;
    await q(`UPDATE jobs SET progress = 40 WHERE id = $1`, [jobId]);
    await q(`INSERT INTO job_nodes (job_id, org_id, node_id, node_type, status, attempt) VALUES ($1, $2, 'script', 'Script.Generate', 'running', 1)`, [
      jobId,
      orgId,
    ]);
    await q(`UPDATE job_nodes SET status = 'completed', output = '{}', completed_at = now() WHERE job_id = $1 AND node_id = 'script'`, [jobId]);
    await q(`UPDATE jobs SET status = 'failed', completed_at = now(), error = '{"code":"NODE_FAILED","message":"it broke"}' WHERE id = $1`, [jobId]);

    expect(await deliveriesOf(progress)).toEqual([
      {
        event: 'job.progress',
        payload: { event: 'job.progress', job_id: jobId, org_id: orgId, progress: 40, node_id: 'script', node_type: 'Script.Generate' },
      },
    ]);
    expect(await deliveriesOf(finished)).toEqual([
      {
        event: 'workflow.run.finished',
        payload: {
          event: 'workflow.run.finished',
          workflow_id: workflowId,
          job_id: jobId,
          org_id: orgId,
          schedule_id: null,
          status: 'failed',
          result: null,
          error: { code: 'NODE_FAILED', message: 'it broke' },
        },
      },
    ]);
    expect(await deliveriesOf(off)).toEqual([]);
  });

  it('lets no tenant role queue an event itself', async () => {
    await expect(
      database.withUser('user_demo', (query) => query(`SELECT fenta_enqueue_webhook_deliveries($1, 'render.succeeded', '{}')`, [orgId])),
    ).rejects.toMatchObject({
      code: '42501',
    });
  });
});
