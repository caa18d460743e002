import { FentaError } from '@fenta/core';
import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';
import { createTestJobRunner, testGraph, type TestJobRunner } from './support/test-job-runner';

// Jobs created through the API and run by the real executor (with its test
// node types): the end of a job gives its quota reservation back, a cancel
// stops a running job before its next node, and a retry starts from the
// checkpoints of the job it retries. The test graph is a → c, b → c → d
// (footage, a script through a model, a middle node, a render); with no
// script to set the video's length, a job reserves 60 render seconds.

type Json = Record<string, any>;

describe('jobs run by the executor', () => {
  let bed: ApiTestbed;
  let runner: TestJobRunner;
  let owner: TestCaller;

  beforeAll(async () => {
    runner = await createTestJobRunner();
    bed = await startApiTestbed({ registry: runner.registry });
    owner = await bed.newOrg('alpha');
  });
  afterAll(async () => {
    await bed.close();
    await runner.cleanup();
  });
  beforeEach(() => {
    runner.script.calls = {};
    runner.script.failures = {};
    runner.script.blocked = undefined;
    runner.script.gate = undefined;
  });

  const q = <T = Json>(text: string, params?: unknown[]) => bed.database.query<T>(text, params);
  const post = (caller: TestCaller, url: string, payload?: unknown) =>
    bed.app.inject({ method: 'POST', url, headers: caller.headers, ...(payload === undefined ? {} : { payload: payload as Json }) });
  const view = async (caller: TestCaller, jobId: string) =>
    ((await bed.app.inject({ method: 'GET', url: `/v1/jobs/${jobId}`, headers: caller.headers })).json() as { job: Json }).job;
  const created = async (response: { statusCode: number; json(): unknown; body: string }) => {
    expect({ status: response.statusCode, body: response.statusCode === 202 ? '' : response.body }).toEqual({ status: 202, body: '' });
    return (response.json() as { job: Json }).job.id as string;
  };
  const reserved = async (orgId: string) => (await q(`SELECT tokens, render_seconds FROM fenta_quota_reserved($1)`, [orgId]))[0];
  // A failure the node's retry policy does not try again: the job fails at that node.
  const refusal = (node: string, type: string) => new FentaError('NODE_INPUT_INVALID', { node, type, reason: 'its input is unusable' });

  it('gives the reservation back when a job completes, fails or is cancelled, so the next job fits', async () => {
    const org = await bed.newOrg('quota');
    await q(`INSERT INTO quota_limits (org_id, render_seconds_limit) VALUES ($1, 100)`, [org.orgId]);
    const graph = testGraph('Test.Block', { block: false });

    const first = await created(await post(org, '/v1/jobs', { graph }));
    expect(await reserved(org.orgId)).toEqual({ tokens: 0, render_seconds: '60.00' });
    expect((await post(org, '/v1/jobs', { graph })).statusCode).toBe(402);

    expect((await runner.run(bed.database.db, first)).status).toBe('completed');
    expect(await reserved(org.orgId)).toEqual({ tokens: 0, render_seconds: '0.00' });
    expect(await view(org, first)).toMatchObject({
      status: 'completed',
      progress: 100,
      costs: { tokens: 1500, render_seconds: 12.5 },
      quota_reserved: { tokens: 0, render_seconds: 0, kai_credits: 0 },
      result: { duration: 30.04 },
    });
    // 12.5 used + 60 held by the next one fits in 100.
    const second = await created(await post(org, '/v1/jobs', { graph }));
    runner.script.failures['Test.Render'] = [refusal('d', 'Test.Render')];
    expect((await runner.run(bed.database.db, second)).status).toBe('failed');
    expect(await reserved(org.orgId)).toEqual({ tokens: 0, render_seconds: '0.00' });

    const third = await created(await post(org, '/v1/jobs', { graph: testGraph('Test.Block') }));
    const blocked = new Promise<void>((resolve) => (runner.script.blocked = resolve));
    const run = runner.run(bed.database.db, third);
    await blocked;
    expect((await post(org, `/v1/jobs/${third}/cancel`)).statusCode).toBe(200);
    expect((await run).status).toBe('cancelled');
    expect(await reserved(org.orgId)).toEqual({ tokens: 0, render_seconds: '0.00' });

    expect(await q(`SELECT render_seconds_used, tokens_used FROM quota_limits WHERE org_id = $1`, [org.orgId])).toEqual([
      { render_seconds_used: '12.50', tokens_used: 4500 },
    ]);
    expect((await post(org, '/v1/jobs', { graph })).statusCode).toBe(202);
  });

  it('stops a running job before its next node when asked to, and shows where it stopped', async () => {
    const jobId = await created(await post(owner, '/v1/jobs', { graph: testGraph('Test.Block') }));
    const blocked = new Promise<void>((resolve) => (runner.script.blocked = resolve));
    const run = runner.run(bed.database.db, jobId);
    await blocked;
    expect(await view(owner, jobId)).toMatchObject({ status: 'processing', current_node: 'c' });

    const cancel = await post(owner, `/v1/jobs/${jobId}/cancel`);
    expect((cancel.json() as { job: Json }).job).toMatchObject({ status: 'processing', cancel_requested_at: expect.any(String) });
    expect(await run).toEqual({ status: 'cancelled' });

    const job = await view(owner, jobId);
    expect(job).toMatchObject({ status: 'cancelled', current_node: null, error: { code: 'JOB_CANCELLED' } });
    expect(job.nodes.map((node: Json) => [node.node_id, node.status, node.error_code])).toEqual([
      ['a', 'completed', null],
      ['b', 'completed', null],
      ['c', 'failed', 'cancelled'],
      ['d', 'pending', null],
    ]);
    expect(runner.script.calls['Test.Render']).toBeUndefined();
    expect((await post(owner, `/v1/jobs/${jobId}/cancel`)).statusCode).toBe(409);
  });

  it('retries a failed job from its completed checkpoints: the paid script is not run or billed again', async () => {
    runner.script.failures['Test.Block'] = [refusal('c', 'Test.Block')];
    const parent = await created(await post(owner, '/v1/jobs', { graph: testGraph('Test.Block', { block: false }) }));
    expect((await runner.run(bed.database.db, parent)).status).toBe('failed');

    const child = await created(await post(owner, `/v1/jobs/${parent}/retry`));
    const queued = await view(owner, child);
    expect(queued).toMatchObject({ parent_job_id: parent, status: 'queued', quota_reserved: { render_seconds: 60 } });
    expect(queued.nodes.map((node: Json) => [node.node_id, node.status, node.attempts, node.reused_from_job_id])).toEqual([
      ['a', 'completed', 0, parent],
      ['b', 'completed', 0, parent],
      ['c', 'pending', 0, null],
      ['d', 'pending', 0, null],
    ]);
    const [audit] = await q(`SELECT action, metadata FROM audit_logs WHERE resource_id = $1`, [child]);
    expect(audit).toMatchObject({ action: 'retry', metadata: { retry_of: parent, reused_nodes: ['a', 'b'] } });

    runner.script.calls = {};
    expect((await runner.run(bed.database.db, child)).status).toBe('completed');
    expect(runner.script.calls).toEqual({ 'Test.Block': 1, 'Test.Render': 1 });
    expect(await view(owner, child)).toMatchObject({ status: 'completed', costs: { tokens: 0, render_seconds: 12.5 } });
    const usage = await q(`SELECT job_id, resource_type FROM usage_records WHERE job_id = ANY($1) ORDER BY job_id, resource_type`, [[parent, child]]);
    expect(usage).toEqual([
      { job_id: parent, resource_type: 'llm_tokens' },
      { job_id: child, resource_type: 'render_seconds' },
      { job_id: child, resource_type: 'storage' },
    ]);
    const resumed = await q<{ message: string }>(`SELECT message FROM job_logs WHERE job_id = $1 AND message LIKE '%resumed%' ORDER BY id`, [child]);
    expect(resumed.map((line) => line.message)).toEqual(['a (Test.Footage) resumed from its checkpoint', 'b (Test.Script) resumed from its checkpoint']);
  });

  it('reuses only what is unchanged: a changed node and everything after it run again', async () => {
    runner.script.failures['Test.Render'] = [refusal('d', 'Test.Render')];
    const parent = await created(await post(owner, '/v1/jobs', { graph: testGraph('Test.Block', { block: false }) }));
    expect((await runner.run(bed.database.db, parent)).status).toBe('failed');
    const reusedOf = async (jobId: string) =>
      (await view(owner, jobId)).nodes.filter((node: Json) => node.reused_from_job_id !== null).map((node: Json) => node.node_id);

    // The same graph: everything the parent completed.
    const same = await created(await post(owner, `/v1/jobs/${parent}/retry`));
    expect(await reusedOf(same)).toEqual(['a', 'b', 'c']);
    // Another middle node: what feeds it is reused, it and the render run again.
    const changed = await created(await post(owner, `/v1/jobs/${parent}/retry`, { graph: testGraph('Test.Gate') }));
    expect(await reusedOf(changed)).toEqual(['a', 'b']);
    runner.script.calls = {};
    runner.script.gate = Promise.resolve();
    expect((await runner.run(bed.database.db, changed)).status).toBe('completed');
    expect(runner.script.calls).toEqual({ 'Test.Gate': 1, 'Test.Render': 1 });
    // A retry of a retry points at the job that made each output.
    await q(`UPDATE jobs SET status = 'cancelled' WHERE id = $1`, [same]);
    const grandchild = await created(await post(owner, `/v1/jobs/${same}/retry`));
    const nodes = (await view(owner, grandchild)).nodes;
    expect(nodes.map((node: Json) => [node.node_id, node.reused_from_job_id])).toEqual([
      ['a', parent],
      ['b', parent],
      ['c', parent],
      ['d', null],
    ]);
    expect((await view(owner, grandchild)).parent_job_id).toBe(same);
  });

  it('validates a retry graph like any other and keeps nothing of a refused retry', async () => {
    runner.script.failures['Test.Block'] = [refusal('c', 'Test.Block')];
    const parent = await created(await post(owner, '/v1/jobs', { graph: testGraph('Test.Block', { block: false }) }));
    await runner.run(bed.database.db, parent);
    const response = await post(owner, `/v1/jobs/${parent}/retry`, { graph: { nodes: [{ id: 'a', type: 'Test.Footage' }] } });
    expect(response.statusCode).toBe(400);
    expect((response.json() as { error: Json }).error.code).toBe('GRAPH_NO_OUTPUT');
    const extra = await post(owner, `/v1/jobs/${parent}/retry`, { graph: testGraph('Test.Gate'), variables: {} });
    expect(extra.statusCode).toBe(400);
    expect(await q(`SELECT count(*)::int AS n FROM jobs WHERE parent_job_id = $1`, [parent])).toEqual([{ n: 0 }]);
  });
});
