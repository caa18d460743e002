import { demoWorkflow, seedBuiltInTemplates } from '@fenta/db';
import { builtInNodeDefinitionRegistry, validateGraph } from '@fenta/graph';
import type { FentaError } from '@fenta/core';
import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

// The Jobs resource over the built-in node definitions: creating (inline
// graphs, workflows and their versions, overrides), reading, listing,
// logs, cancelling and the refusals of each, across orgs and scopes.
// Running jobs (completion, retries from checkpoints) is in jobs-run.test.ts.

type Json = Record<string, any>;

const graph = demoWorkflow.graph as unknown as Json;

describe('the Jobs resource', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let other: TestCaller;

  beforeAll(async () => {
    bed = await startApiTestbed();
    await seedBuiltInTemplates(bed.database.db);
    owner = await bed.newOrg('alpha');
    other = await bed.newOrg('beta');
  });
  afterAll(() => bed.close());

  const q = <T = Json>(text: string, params?: unknown[]) => bed.database.query<T>(text, params);
  const post = (caller: TestCaller, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    bed.app.inject({ method: 'POST', url, headers: { ...caller.headers, ...headers }, ...(payload === undefined ? {} : { payload: payload as Json }) });
  const get = (caller: TestCaller, url: string) => bed.app.inject({ method: 'GET', url, headers: caller.headers });
  const errorOf = (response: { json(): unknown }) => (response.json() as { error: { code: string; message: string; details?: any } }).error;
  const counts = async (orgId: string) =>
    (
      await q<{ jobs: number; audits: number }>(
        `SELECT (SELECT count(*)::int FROM jobs WHERE org_id = $1) AS jobs, (SELECT count(*)::int FROM audit_logs WHERE org_id = $1) AS audits`,
        [orgId],
      )
    )[0]!;

  /** The view of a job just created from the sample graph (script of 30 s through a model: 2,000 tokens and 30 render seconds reserved). */
  const queuedView = (id: string, overrides: Json = {}) => ({
    id,
    status: 'queued',
    progress: 0,
    current_node: null,
    workflow_id: null,
    workflow_version: null,
    template_id: 'tmpl_shorts_v1',
    parent_job_id: null,
    idempotency_key: null,
    cancel_requested_at: null,
    retry_count: 0,
    costs: { tokens: 0, render_seconds: 0, kai_credits: 0, usd: 0 },
    quota_reserved: { tokens: 2000, render_seconds: 30, kai_credits: 0 },
    result: null,
    error: null,
    created_at: expect.any(String),
    queued_at: expect.any(String),
    started_at: null,
    completed_at: null,
    updated_at: expect.any(String),
    links: { self: `/v1/jobs/${id}`, logs: `/v1/jobs/${id}/logs`, cancel: `/v1/jobs/${id}/cancel`, retry: `/v1/jobs/${id}/retry` },
    ...overrides,
  });

  const createJob = async (caller: TestCaller = owner, payload: Json = { graph }) => {
    const response = await post(caller, '/v1/jobs', payload);
    expect(response.statusCode).toBe(202);
    return (response.json() as { job: Json }).job;
  };

  async function insertWorkflow(orgId: string, userId: string): Promise<string> {
    const [row] = await q<{ id: string }>(`INSERT INTO workflows (org_id, name, graph, variables, created_by) VALUES ($1, 'Daily', $2, $3, $4) RETURNING id`, [
      orgId,
      JSON.stringify(graph),
      JSON.stringify({ topic: 'solar streetlights' }),
      userId,
    ]);
    const v1 = { ...graph, nodes: graph.nodes.map((node: Json) => (node.id === 'n6' ? { ...node, params: { profile: '9x16_720p' } } : node)) };
    await q(`INSERT INTO workflow_versions (workflow_id, version, graph, variables) VALUES ($1, 1, $2, '{"topic": "v1"}'), ($1, 2, $3, '{}')`, [
      row!.id,
      JSON.stringify(v1),
      JSON.stringify(graph),
    ]);
    return row!.id;
  }

  describe('POST /v1/jobs', () => {
    it('queues an inline graph: 202 with the job, the row with its frozen config, the BullMQ job under the same id, and an audit entry', async () => {
      const before = await counts(owner.orgId);
      const response = await post(owner, '/v1/jobs', { graph, variables: { topic: 'tides' } }, { 'user-agent': 'jobs-test/1' });
      expect(response.statusCode).toBe(202);
      const { job } = response.json() as { job: Json };
      expect(job).toEqual(queuedView(job.id));
      expect(job.id).toMatch(/^job_[0-9a-f-]{36}$/);

      const [row] = await q(
        `SELECT org_id, created_by, status, workflow_id, template_id, config, reserved_tokens, reserved_render_seconds FROM jobs WHERE id = $1`,
        [job.id],
      );
      expect(row).toEqual({
        org_id: owner.orgId,
        created_by: owner.userId,
        status: 'queued',
        workflow_id: null,
        template_id: 'tmpl_shorts_v1',
        config: {
          graph,
          variables: { template_id: 'tmpl_shorts_v1', frame: { width: 1080, height: 1920 }, topic: 'tides' },
          templates: { tmpl_shorts_v1: expect.objectContaining({ id: 'tmpl_shorts_v1', resolution: '1080x1920' }) },
        },
        reserved_tokens: 2000,
        reserved_render_seconds: '30.00',
      });
      const queued = await bed.queue.getJob(job.id);
      expect({ id: queued?.id, data: queued?.data, state: await queued?.getState() }).toEqual({ id: job.id, data: { jobId: job.id }, state: 'waiting' });

      expect(await counts(owner.orgId)).toEqual({ jobs: before.jobs + 1, audits: before.audits + 1 });
      const [audit] = await q(`SELECT user_id, action, resource_type, changes, metadata, user_agent FROM audit_logs WHERE org_id = $1 AND resource_id = $2`, [
        owner.orgId,
        job.id,
      ]);
      expect(audit).toEqual({
        user_id: owner.userId,
        action: 'create',
        resource_type: 'job',
        changes: {
          after: {
            status: 'queued',
            workflow_id: null,
            template_id: 'tmpl_shorts_v1',
            parent_job_id: null,
            idempotency_key: null,
            cancel_requested_at: null,
            reserved: { tokens: 2000, render_seconds: 30, kai_credits: 0 },
          },
        },
        metadata: { reserved: { tokens: 2000, kai_credits: 0, render_seconds: 30 } },
        user_agent: 'jobs-test/1',
      });
    });

    it("runs a workflow's current graph, or one of its versions, and counts the run on the workflow", async () => {
      const workflowId = await insertWorkflow(owner.orgId, owner.userId);
      const current = await createJob(owner, { workflow_id: workflowId, variables: { lang: 'en' } });
      expect(current).toEqual(queuedView(current.id, { workflow_id: workflowId, workflow_version: 2 }));
      const [row] = await q(`SELECT config FROM jobs WHERE id = $1`, [current.id]);
      expect(row!.config).toMatchObject({ graph, variables: { topic: 'solar streetlights', lang: 'en' }, workflow: { id: workflowId, version: 2 } });

      const first = await createJob(owner, { workflow_id: workflowId, workflow_version: 1 });
      expect(first).toMatchObject({ workflow_id: workflowId, workflow_version: 1 });
      const [version] = await q(`SELECT config FROM jobs WHERE id = $1`, [first.id]);
      expect(version!.config.graph.nodes.find((node: Json) => node.id === 'n6').params).toEqual({ profile: '9x16_720p' });
      expect(version!.config.variables.topic).toBe('v1');
      expect(await q(`SELECT run_count FROM workflows WHERE id = $1`, [workflowId])).toEqual([{ run_count: 2 }]);

      const missing = await post(owner, '/v1/jobs', { workflow_id: workflowId, workflow_version: 9 });
      expect(missing.statusCode).toBe(404);
      expect(errorOf(missing)).toMatchObject({ code: 'WORKFLOW_VERSION_NOT_FOUND', message: `Workflow ${workflowId} has no version 9` });
    });

    it("answers another org's workflow exactly like a missing one, and writes nothing", async () => {
      const theirs = await insertWorkflow(other.orgId, other.userId);
      const before = await counts(owner.orgId);
      for (const workflowId of [theirs, 'wf_missing']) {
        const response = await post(owner, '/v1/jobs', { workflow_id: workflowId });
        expect(response.statusCode).toBe(404);
        expect(errorOf(response)).toMatchObject({ code: 'WORKFLOW_NOT_FOUND', message: `Workflow ${workflowId} not found` });
      }
      expect(await counts(owner.orgId)).toEqual(before);
      expect(await q(`SELECT run_count FROM workflows WHERE id = $1`, [theirs])).toEqual([{ run_count: 0 }]);
    });

    it('runs every templated node with template_id and renders with output_profile', async () => {
      const [own] = await q<{ id: string }>(
        `INSERT INTO templates (org_id, name, aspect, resolution, spec, created_by) SELECT $1, 'Own', aspect, '720x1280', spec, $2 FROM templates WHERE id = 'tmpl_shorts_v1' RETURNING id`,
        [owner.orgId, owner.userId],
      );
      const job = await createJob(owner, { graph, template_id: own!.id, output_profile: '9x16_720p' });
      expect(job.template_id).toBe(own!.id);
      const [row] = await q(`SELECT config FROM jobs WHERE id = $1`, [job.id]);
      const params = Object.fromEntries(row!.config.graph.nodes.map((node: Json) => [node.id, node.params]));
      expect(params.n5).toEqual({ template_id: own!.id });
      expect(params.n6).toEqual({ profile: '9x16_720p' });
      expect(row!.config.variables).toEqual({ template_id: own!.id, frame: { width: 720, height: 1280 } });
      expect(Object.keys(row!.config.templates)).toEqual([own!.id]);

      const theirs = await post(other, '/v1/jobs', { graph, template_id: own!.id });
      expect(theirs.statusCode).toBe(404);
      expect(errorOf(theirs)).toMatchObject({ code: 'TEMPLATE_NOT_FOUND' });
      const profile = await post(owner, '/v1/jobs', { graph, output_profile: '9x16_4k' });
      expect(profile.statusCode).toBe(400);
      expect(errorOf(profile).details.problems.map((problem: Json) => problem.path)).toContain('body.output_profile');
    });

    it('answers 400 with every problem validateGraph finds, with its path', async () => {
      const broken = {
        nodes: [...graph.nodes.filter((node: Json) => node.id !== 'n6'), { id: 'n7', type: 'Output.Teleport', params: {} }, { id: 'n2', type: 'Voice.TTS' }],
        edges: [...graph.edges, { from: 'n5', to: 'n9' }],
      };
      let expected: FentaError | undefined;
      try {
        validateGraph(broken, builtInNodeDefinitionRegistry);
      } catch (error) {
        expected = error as FentaError;
      }
      const before = await counts(owner.orgId);
      const response = await post(owner, '/v1/jobs', { graph: broken });
      expect(response.statusCode).toBe(400);
      expect(errorOf(response)).toEqual({
        code: expected!.code,
        message: expected!.message,
        details: expected!.details,
        request_id: response.headers['x-request-id'],
      });
      expect((expected!.details as { problems: Json[] }).problems.map((problem) => problem.path)).toEqual(
        expect.arrayContaining(['nodes[5].type', 'nodes[6].id', 'edges[5].to']),
      );
      expect(await counts(owner.orgId)).toEqual(before);
    });

    it('refuses a body without a workflow or a graph, with both, with unknown fields, and a version without a workflow', async () => {
      const cases: Array<[unknown, string[]]> = [
        [{}, ['body']],
        [{ workflow_id: 'wf_x', graph }, ['body.graph']],
        [{ graph, priority: 1 }, ['body.priority']],
        [{ graph, workflow_version: 2 }, ['body.workflow_version']],
        [{ workflow_id: '../etc', graph: undefined }, ['body.workflow_id']],
      ];
      for (const [payload, paths] of cases) {
        const response = await post(owner, '/v1/jobs', payload);
        expect({ payload, status: response.statusCode, code: errorOf(response).code }).toEqual({ payload, status: 400, code: 'REQUEST_INVALID' });
        expect(errorOf(response).details.problems.map((problem: Json) => problem.path)).toEqual(paths);
      }
    });

    it('needs jobs:execute: a key that may only read cannot create, and says which scope it lacks', async () => {
      const reader = await bed.member(owner, 'editor', ['jobs:read']);
      const viewer = await bed.member(owner, 'viewer');
      const before = await counts(owner.orgId);
      for (const caller of [reader, viewer]) {
        const response = await post(caller, '/v1/jobs', { graph });
        expect(response.statusCode).toBe(403);
        expect(errorOf(response)).toMatchObject({ code: 'SCOPE_MISSING', details: { missing_scope: 'jobs:execute' } });
      }
      expect(await counts(owner.orgId)).toEqual(before);
      const editor = await bed.member(owner, 'editor');
      const job = await createJob(editor);
      expect(await q(`SELECT created_by FROM jobs WHERE id = $1`, [job.id])).toEqual([{ created_by: editor.userId }]);
    });
  });

  describe('reading jobs', () => {
    let running: string;

    beforeAll(async () => {
      running = (await createJob()).id;
      // What a worker writes while the job runs: the run's hold, progress, costs, and a checkpoint per node.
      await q(
        `UPDATE jobs SET status = 'processing', run_token = 'run-1', lease_expires_at = now() + interval '1 minute', started_at = now(),
           progress = 40, cost_tokens = 1500, cost_total_usd = 0.0005 WHERE id = $1`,
        [running],
      );
      await q(
        `INSERT INTO job_nodes (job_id, org_id, node_id, node_type, status, attempt, output, started_at, completed_at, duration_ms, cost_usd)
         VALUES ($1, $2, 'n1', 'Input.Stock', 'completed', 1, '{}', now(), now(), 1200, 0),
                ($1, $2, 'n2', 'Script.Generate', 'completed', 2, '{}', now(), now(), 800, 0.0005),
                ($1, $2, 'n3', 'Voice.TTS', 'running', 1, NULL, now(), NULL, NULL, 0)`,
        [running, owner.orgId],
      );
    });

    it('GET /v1/jobs/:id shows status, progress, the current node, every node of the graph, costs and what the job still holds', async () => {
      const response = await get(owner, `/v1/jobs/${running}`);
      expect(response.statusCode).toBe(200);
      const { job } = response.json() as { job: Json };
      const node = (nodeId: string, type: string, state: Json) => ({
        node_id: nodeId,
        type,
        status: 'pending',
        attempts: 0,
        started_at: null,
        finished_at: null,
        duration_ms: null,
        error_code: null,
        cost_usd: 0,
        reused_from_job_id: null,
        ...state,
      });
      const at = expect.any(String);
      expect(job).toEqual({
        ...queuedView(running, {
          status: 'processing',
          progress: 40,
          current_node: 'n3',
          started_at: at,
          costs: { tokens: 1500, render_seconds: 0, kai_credits: 0, usd: 0.0005 },
          quota_reserved: { tokens: 500, render_seconds: 30, kai_credits: 0 },
        }),
        nodes: [
          node('n1', 'Input.Stock', { status: 'completed', attempts: 1, started_at: at, finished_at: at, duration_ms: 1200 }),
          node('n2', 'Script.Generate', { status: 'completed', attempts: 2, started_at: at, finished_at: at, duration_ms: 800, cost_usd: 0.0005 }),
          node('n3', 'Voice.TTS', { status: 'running', attempts: 1, started_at: at }),
          node('n4', 'Subtitle.Auto', {}),
          node('n5', 'Edit.Timeline', {}),
          node('n6', 'Output.Render', {}),
        ],
      });
    });

    it('shows a failed job with its error and the failed node, and a completed one with its result', async () => {
      const failed = (await createJob()).id;
      await q(
        `UPDATE jobs SET status = 'failed', completed_at = now(), error = '{"code": "PROVIDER_ERROR", "message": "openai answered 503", "node": "n2"}' WHERE id = $1`,
        [failed],
      );
      await q(
        `INSERT INTO job_nodes (job_id, org_id, node_id, node_type, status, attempt, error, started_at, completed_at, duration_ms)
         VALUES ($1, $2, 'n2', 'Script.Generate', 'failed', 3, '{"code": "PROVIDER_ERROR"}', now(), now(), 90)`,
        [failed, owner.orgId],
      );
      const { job } = (await get(owner, `/v1/jobs/${failed}`)).json() as { job: Json };
      expect(job).toMatchObject({
        status: 'failed',
        error: { code: 'PROVIDER_ERROR', message: 'openai answered 503', node: 'n2' },
        quota_reserved: { tokens: 0, render_seconds: 0, kai_credits: 0 },
        completed_at: expect.any(String),
      });
      expect(job.nodes[1]).toMatchObject({ node_id: 'n2', status: 'failed', attempts: 3, error_code: 'PROVIDER_ERROR' });

      const completed = (await createJob()).id;
      await q(
        `UPDATE jobs SET status = 'completed', progress = 100, completed_at = now(), cost_render_seconds = 21.5,
           result = '{"render_id": "rnd_1", "video_url": "http://api.test/v1/renders/rnd_1/video", "thumbnail_url": "http://api.test/v1/renders/rnd_1/thumbnail", "srt_url": "http://api.test/v1/renders/rnd_1/captions.srt", "vtt_url": "http://api.test/v1/renders/rnd_1/captions.vtt", "duration": 30.04, "internal": "never shown"}'
         WHERE id = $1`,
        [completed],
      );
      const done = ((await get(owner, `/v1/jobs/${completed}`)).json() as { job: Json }).job;
      expect(done.result).toEqual({
        render_id: 'rnd_1',
        video_url: 'http://api.test/v1/renders/rnd_1/video',
        thumbnail_url: 'http://api.test/v1/renders/rnd_1/thumbnail',
        srt_url: 'http://api.test/v1/renders/rnd_1/captions.srt',
        vtt_url: 'http://api.test/v1/renders/rnd_1/captions.vtt',
        duration: 30.04,
      });
      expect(done.costs.render_seconds).toBe(21.5);
    });

    it('answers 404 for a missing job and for every other org’s job, through every route', async () => {
      const before = await q(`SELECT status, cancel_requested_at, updated_at FROM jobs WHERE id = $1`, [running]);
      const audits = (await counts(owner.orgId)).audits;
      const attempts = [
        () => get(other, `/v1/jobs/${running}`),
        () => get(other, `/v1/jobs/${running}/logs`),
        () => post(other, `/v1/jobs/${running}/cancel`),
        () => post(other, `/v1/jobs/${running}/retry`),
        () => get(owner, '/v1/jobs/job_missing'),
      ];
      for (const attempt of attempts) {
        const response = await attempt();
        expect(response.statusCode).toBe(404);
        expect(errorOf(response).code).toBe('JOB_NOT_FOUND');
      }
      const list = (await get(other, '/v1/jobs?limit=100')).json() as { data: Json[] };
      expect(list.data.map((job) => job.id)).not.toContain(running);
      expect(await q(`SELECT status, cancel_requested_at, updated_at FROM jobs WHERE id = $1`, [running])).toEqual(before);
      expect((await counts(owner.orgId)).audits).toBe(audits);
      expect((await get(owner, '/v1/jobs/not-a-job')).statusCode).toBe(400);
    });

    it('needs jobs:read to read', async () => {
      const runner = await bed.member(owner, 'editor', ['jobs:execute']);
      for (const url of [`/v1/jobs/${running}`, '/v1/jobs', `/v1/jobs/${running}/logs`]) {
        const response = await get(runner, url);
        expect(response.statusCode).toBe(403);
        expect(errorOf(response)).toMatchObject({ code: 'SCOPE_MISSING', details: { missing_scope: 'jobs:read' } });
      }
      const viewer = await bed.member(owner, 'viewer');
      expect((await get(viewer, `/v1/jobs/${running}`)).statusCode).toBe(200);
    });
  });

  describe('GET /v1/jobs', () => {
    let org: TestCaller;
    let ids: string[];
    let workflowId: string;

    beforeAll(async () => {
      org = await bed.newOrg('lister');
      workflowId = await insertWorkflow(org.orgId, org.userId);
      ids = [];
      for (let i = 0; i < 5; i++) ids.push((await createJob(org, i % 2 === 0 ? { graph } : { workflow_id: workflowId })).id);
      await q(`UPDATE jobs SET status = 'failed' WHERE id = ANY($1)`, [[ids[1], ids[4]]]);
    });

    const list = async (query: string) => {
      const response = await get(org, `/v1/jobs?${query}`);
      expect(response.statusCode).toBe(200);
      return response.json() as { data: Json[]; next_cursor: string | null };
    };

    it('pages newest first with a cursor', async () => {
      const first = await list('limit=2');
      expect(first.data.map((job) => job.id)).toEqual([ids[4], ids[3]]);
      const second = await list(`limit=2&cursor=${first.next_cursor}`);
      expect(second.data.map((job) => job.id)).toEqual([ids[2], ids[1]]);
      const last = await list(`limit=2&cursor=${second.next_cursor}`);
      expect(last).toEqual({ data: [expect.objectContaining({ id: ids[0] })], next_cursor: null });
      expect(first.data[0]).toEqual(
        queuedView(ids[4]!, { status: 'failed', workflow_id: null, quota_reserved: { tokens: 0, render_seconds: 0, kai_credits: 0 } }),
      );
    });

    it('filters by status, workflow and creation time', async () => {
      expect((await list('status=failed')).data.map((job) => job.id)).toEqual([ids[4], ids[1]]);
      expect((await list(`workflow_id=${workflowId}`)).data.map((job) => job.id)).toEqual([ids[3], ids[1]]);
      expect((await list(`workflow_id=${workflowId}&status=queued`)).data.map((job) => job.id)).toEqual([ids[3]]);
      const [{ created_at: middle }] = (await q<{ created_at: Date }>(`SELECT created_at FROM jobs WHERE id = $1`, [ids[2]])) as [{ created_at: Date }];
      // Microseconds in the database, milliseconds here: a millisecond on, the middle job is before; truncated, after.
      const after = encodeURIComponent(new Date(middle.getTime() + 1).toISOString());
      const before = encodeURIComponent(middle.toISOString());
      expect((await list(`created_after=${after}`)).data.map((job) => job.id)).toEqual([ids[4], ids[3]]);
      expect((await list(`created_before=${before}`)).data.map((job) => job.id)).toEqual([ids[1], ids[0]]);
      expect((await list('status=failed&created_after=2999-01-01T00:00:00Z')).data).toEqual([]);
    });

    it('refuses bad filters and cursors of other lists, naming the field', async () => {
      const bad = await get(org, '/v1/jobs?status=running');
      expect(bad.statusCode).toBe(400);
      expect(errorOf(bad).details.problems.map((problem: Json) => problem.path)).toEqual(['querystring.status']);
      expect(errorOf(await get(org, '/v1/jobs?created_after=yesterday')).details.problems[0].path).toBe('querystring.created_after');
      const keys = (await get(owner, '/v1/api-keys?limit=1')).json() as { next_cursor: string };
      const foreign = await get(org, `/v1/jobs?cursor=${keys.next_cursor}`);
      expect(foreign.statusCode).toBe(400);
      expect(errorOf(foreign).code).toBe('CURSOR_INVALID');
    });
  });

  describe('GET /v1/jobs/:id/logs', () => {
    it("pages a job's log oldest first, and refuses a cursor of another job's log", async () => {
      const job = (await createJob()).id;
      const otherJob = (await createJob()).id;
      await q(
        `INSERT INTO job_logs (job_id, level, stage, message, data)
         SELECT $1, 'info', 'script', 'line ' || i, jsonb_build_object('i', i) FROM generate_series(1, 5) AS i ORDER BY i`,
        [job],
      );
      await q(`INSERT INTO job_logs (job_id, level, stage, message) VALUES ($1, 'warn', NULL, 'elsewhere')`, [otherJob]);
      const page = async (query: string) => {
        const response = await get(owner, `/v1/jobs/${job}/logs?${query}`);
        expect(response.statusCode).toBe(200);
        return response.json() as { data: Json[]; next_cursor: string | null };
      };
      const first = await page('limit=2');
      expect(first.data).toEqual([
        { id: expect.stringMatching(/^log_/), level: 'info', stage: 'script', message: 'line 1', data: { i: 1 }, created_at: expect.any(String) },
        { id: expect.stringMatching(/^log_/), level: 'info', stage: 'script', message: 'line 2', data: { i: 2 }, created_at: expect.any(String) },
      ]);
      const second = await page(`limit=2&cursor=${first.next_cursor}`);
      expect(second.data.map((line) => line.message)).toEqual(['line 3', 'line 4']);
      const third = await page(`limit=2&cursor=${second.next_cursor}`);
      expect(third).toEqual({ data: [expect.objectContaining({ message: 'line 5' })], next_cursor: null });

      const crossed = await get(owner, `/v1/jobs/${otherJob}/logs?cursor=${first.next_cursor}`);
      expect(crossed.statusCode).toBe(400);
      expect(errorOf(crossed).code).toBe('CURSOR_INVALID');
      expect(((await get(owner, `/v1/jobs/${otherJob}/logs`)).json() as { data: Json[] }).data.map((line) => line.message)).toEqual(['elsewhere']);
    });
  });

  describe('POST /v1/jobs/:id/cancel', () => {
    it('cancels a queued job at once: status, error, the queue entry gone, its reservation released, audited', async () => {
      const job = (await createJob()).id;
      expect(await bed.queue.getJobState(job)).toBe('waiting');
      const response = await post(owner, `/v1/jobs/${job}/cancel`);
      expect(response.statusCode).toBe(200);
      const view = (response.json() as { job: Json }).job;
      expect(view).toEqual(
        queuedView(job, {
          status: 'cancelled',
          cancel_requested_at: expect.any(String),
          completed_at: expect.any(String),
          error: { code: 'JOB_CANCELLED', message: `Job ${job} was cancelled` },
          quota_reserved: { tokens: 0, render_seconds: 0, kai_credits: 0 },
        }),
      );
      expect(await bed.queue.getJobState(job)).toBe('unknown');
      const [audit] = await q(`SELECT action, changes FROM audit_logs WHERE resource_id = $1 AND action = 'cancel'`, [job]);
      expect(audit).toMatchObject({ action: 'cancel', changes: { before: { status: 'queued', cancel_requested_at: null }, after: { status: 'cancelled' } } });

      const again = await post(owner, `/v1/jobs/${job}/cancel`);
      expect(again.statusCode).toBe(409);
      expect(errorOf(again)).toMatchObject({ code: 'JOB_ALREADY_FINISHED', message: `Job ${job} is already cancelled` });
    });

    it('asks a running job to stop, leaving its run to end it; asking twice changes nothing more', async () => {
      const job = (await createJob()).id;
      await q(`UPDATE jobs SET status = 'processing', run_token = 'run-2', lease_expires_at = now() + interval '1 minute', started_at = now() WHERE id = $1`, [
        job,
      ]);
      const response = await post(owner, `/v1/jobs/${job}/cancel`);
      expect(response.statusCode).toBe(200);
      expect((response.json() as { job: Json }).job).toMatchObject({ status: 'processing', cancel_requested_at: expect.any(String), completed_at: null });
      const [row] = await q<{ cancel_requested_at: Date; run_token: string }>(`SELECT cancel_requested_at, run_token FROM jobs WHERE id = $1`, [job]);
      expect(row!.run_token).toBe('run-2');
      const audits = (await counts(owner.orgId)).audits;
      expect((await post(owner, `/v1/jobs/${job}/cancel`)).statusCode).toBe(200);
      expect(await q(`SELECT cancel_requested_at FROM jobs WHERE id = $1`, [job])).toEqual([{ cancel_requested_at: row!.cancel_requested_at }]);
      expect((await counts(owner.orgId)).audits).toBe(audits);
    });

    it('refuses finished jobs and keys without jobs:execute', async () => {
      const job = (await createJob()).id;
      await q(`UPDATE jobs SET status = 'completed', completed_at = now() WHERE id = $1`, [job]);
      const response = await post(owner, `/v1/jobs/${job}/cancel`);
      expect(response.statusCode).toBe(409);
      expect(errorOf(response)).toMatchObject({ code: 'JOB_ALREADY_FINISHED', message: `Job ${job} is already completed` });
      const viewer = await bed.member(owner, 'viewer');
      const queued = (await createJob()).id;
      expect(errorOf(await post(viewer, `/v1/jobs/${queued}/cancel`)).code).toBe('SCOPE_MISSING');
      expect(await q(`SELECT status, cancel_requested_at FROM jobs WHERE id = $1`, [queued])).toEqual([{ status: 'queued', cancel_requested_at: null }]);
    });
  });

  describe('POST /v1/jobs/:id/retry', () => {
    it('retries only failed or cancelled jobs', async () => {
      const job = (await createJob()).id;
      for (const status of ['queued', 'processing', 'completed']) {
        await q(`UPDATE jobs SET status = $2 WHERE id = $1`, [job, status]);
        const response = await post(owner, `/v1/jobs/${job}/retry`);
        expect(response.statusCode).toBe(409);
        expect(errorOf(response)).toMatchObject({
          code: 'JOB_NOT_RETRYABLE',
          message: `Job ${job} is ${status}; only failed or cancelled jobs can be retried`,
        });
      }
      expect(await q(`SELECT count(*)::int AS n FROM jobs WHERE parent_job_id = $1`, [job])).toEqual([{ n: 0 }]);
    });

    it('makes a new job naming its parent, with its frozen config, and audits it', async () => {
      const parent = (await createJob(owner, { graph, variables: { topic: 'rivers' } })).id;
      await q(`UPDATE jobs SET status = 'failed', error = '{"code": "NODE_FAILED", "message": "x"}' WHERE id = $1`, [parent]);
      const response = await post(owner, `/v1/jobs/${parent}/retry`);
      expect(response.statusCode).toBe(202);
      const child = (response.json() as { job: Json }).job;
      expect(child).toEqual(queuedView(child.id, { parent_job_id: parent, links: { ...queuedView(child.id).links, parent: `/v1/jobs/${parent}` } }));
      const [parentRow] = await q(`SELECT config FROM jobs WHERE id = $1`, [parent]);
      const [childRow] = await q(`SELECT config, parent_job_id FROM jobs WHERE id = $1`, [child.id]);
      expect(childRow).toEqual({ config: parentRow!.config, parent_job_id: parent });
      expect(await bed.queue.getJobState(child.id)).toBe('waiting');
      const [audit] = await q(`SELECT action, metadata FROM audit_logs WHERE resource_id = $1`, [child.id]);
      expect(audit).toEqual({
        action: 'retry',
        metadata: { retry_of: parent, reused_nodes: [], reserved: { tokens: 2000, kai_credits: 0, render_seconds: 30 } },
      });
    });
  });
});
