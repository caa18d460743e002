import { demoWorkflow } from '@fenta/db';
import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';
import { workflowStatuses } from '../src/workflows/workflow-status';
import { auditOf, errorOf, graphWithSpeed, requestsOf, sampleGraph } from './content-requests';

interface WorkflowBody {
  id: string;
  name: string;
  status: string;
  version: number;
  etag: string;
  graph: unknown;
  variables: Record<string, unknown>;
  [field: string]: unknown;
}

describe('workflows over HTTP', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let other: TestCaller;
  let http: ReturnType<typeof requestsOf>;

  beforeAll(async () => {
    bed = await startApiTestbed();
    owner = await bed.newOrg('alpha');
    other = await bed.newOrg('beta');
    http = requestsOf(bed);
  });
  afterAll(() => bed.close());

  const workflowOf = (response: { json(): unknown }) => (response.json() as { workflow: WorkflowBody }).workflow;

  async function create(caller: TestCaller, fields: Record<string, unknown> = {}): Promise<WorkflowBody> {
    const response = await http.send(caller, 'POST', '/v1/workflows', { name: 'Daily News', graph: sampleGraph(), ...fields });
    expect(response.statusCode).toBe(201);
    return workflowOf(response);
  }

  const patch = (caller: TestCaller, id: string, body: unknown, headers: Record<string, string> = {}) =>
    http.send(caller, 'PATCH', `/v1/workflows/${id}`, body, headers);

  it('creates a draft at version 1 from the sample graph, with its ETag, a version row and an audit entry', async () => {
    const response = await http.send(owner, 'POST', '/v1/workflows', {
      name: 'Daily News Shorts',
      description: 'one a day',
      graph: sampleGraph(),
      variables: demoWorkflow.variables,
    });
    expect(response.statusCode).toBe(201);
    const workflow = workflowOf(response);
    expect(workflow).toEqual({
      id: expect.stringMatching(/^wf_[0-9a-f-]{36}$/),
      name: 'Daily News Shorts',
      description: 'one a day',
      status: 'draft',
      project_id: null,
      graph: sampleGraph(),
      variables: { topic: demoWorkflow.variables.topic },
      version: 1,
      etag: response.headers.etag,
      run_count: 0,
      last_run_at: null,
      created_by: owner.userId,
      created_at: expect.any(String),
      updated_at: workflow.created_at,
    });
    expect(response.headers.etag).toMatch(/^"\d+-\d+"$/);

    const read = await http.get(owner, `/v1/workflows/${workflow.id}`);
    expect(read.statusCode).toBe(200);
    expect(workflowOf(read)).toEqual(workflow);
    expect(read.headers.etag).toBe(workflow.etag);

    const versions = await bed.database.query(`SELECT version, graph, variables, created_by FROM workflow_versions WHERE workflow_id = $1`, [workflow.id]);
    expect(versions).toEqual([{ version: 1, graph: sampleGraph(), variables: { topic: demoWorkflow.variables.topic }, created_by: owner.userId }]);
    expect(await auditOf(bed, workflow.id)).toEqual([
      { org_id: owner.orgId, user_id: owner.userId, action: 'create', resource_type: 'workflow', changes: { after: workflow } },
    ]);
  });

  it('stores the graph with the params it left out filled in', async () => {
    const graph = sampleGraph();
    graph.nodes[5] = { id: 'n6', type: 'Output.Render' };
    const workflow = await create(owner, { graph });
    expect((workflow.graph as { nodes: unknown[] }).nodes[5]).toEqual({ id: 'n6', type: 'Output.Render', params: {} });
  });

  it('refuses a graph the node registry refuses, naming the node and the path of each problem, and writes nothing', async () => {
    const before = await bed.database.query(`SELECT count(*)::int AS n FROM workflows`);
    const unknownType = sampleGraph();
    unknownType.nodes[2]!.type = 'Voice.Clone';
    const response = await http.send(owner, 'POST', '/v1/workflows', { name: 'x', graph: unknownType });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response)).toMatchObject({
      code: 'GRAPH_NODE_TYPE_UNKNOWN',
      details: { problems: [{ code: 'GRAPH_NODE_TYPE_UNKNOWN', path: 'nodes[2].type', node: 'n3' }] },
    });
    expect(errorOf(response).message).toContain('Voice.Clone');

    const badParam = graphWithSpeed(9);
    const param = await http.send(owner, 'POST', '/v1/workflows', { name: 'x', graph: badParam });
    expect(param.statusCode).toBe(400);
    expect(errorOf(param)).toMatchObject({
      code: 'NODE_PARAM_INVALID',
      details: { problems: [{ code: 'NODE_PARAM_INVALID', path: 'nodes[2].params.speed', node: 'n3' }] },
    });

    const dangling = sampleGraph();
    dangling.edges.push({ id: 'e6', from: 'n4', to: 'n9' });
    const edge = await http.send(owner, 'POST', '/v1/workflows', { name: 'x', graph: dangling });
    expect(edge.statusCode).toBe(400);
    expect(errorOf(edge)).toMatchObject({
      code: 'GRAPH_EDGE_NODE_MISSING',
      details: { problems: [{ code: 'GRAPH_EDGE_NODE_MISSING', path: 'edges[5].to', edge: 'e6' }] },
    });

    expect(await bed.database.query(`SELECT count(*)::int AS n FROM workflows`)).toEqual(before);
  });

  it('refuses unknown fields by name, in the body and inside the graph', async () => {
    const extra = await http.send(owner, 'POST', '/v1/workflows', { name: 'x', graph: sampleGraph(), owner_id: other.userId });
    expect(extra.statusCode).toBe(400);
    expect(errorOf(extra)).toMatchObject({ code: 'REQUEST_INVALID', details: { problems: [{ path: 'body.owner_id', message: 'is not allowed' }] } });

    const graph = sampleGraph();
    graph.nodes[0]!.label = 'stock';
    const inGraph = await http.send(owner, 'POST', '/v1/workflows', { name: 'x', graph });
    expect(errorOf(inGraph).details).toEqual({ problems: [{ path: 'body.graph.nodes[0].label', message: 'is not allowed' }] });

    const workflow = await create(owner);
    const patchExtra = await patch(owner, workflow.id, { run_count: 100 });
    expect(errorOf(patchExtra).details).toEqual({ problems: [{ path: 'body.run_count', message: 'is not allowed' }] });
    const empty = await patch(owner, workflow.id, {});
    expect(empty.statusCode).toBe(400);
    expect(errorOf(empty).code).toBe('REQUEST_INVALID');
    const blank = await http.send(owner, 'POST', '/v1/workflows', { name: '   ', graph: sampleGraph() });
    expect(errorOf(blank)).toMatchObject({ code: 'REQUEST_INVALID', details: { problems: [{ path: 'body.name' }] } });
    expect((await http.get(owner, '/v1/workflows/..%2Fetc')).statusCode).toBe(400);
  });

  it('validates a graph without saving it, for readers too', async () => {
    const viewer = await bed.member(owner, 'viewer');
    const response = await http.send(viewer, 'POST', '/v1/workflows/validate', { graph: sampleGraph() });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      valid: true,
      order: ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'],
      outputs: ['n6'],
      inputs: { n1: {}, n2: {}, n3: { script: 'n2' }, n4: { speech: 'n3' }, n5: { footage: 'n1', captions: 'n4' }, n6: { timeline: 'n5' } },
    });
    const invalid = await http.send(viewer, 'POST', '/v1/workflows/validate', { graph: graphWithSpeed(0) });
    expect(invalid.statusCode).toBe(400);
    expect(errorOf(invalid)).toMatchObject({ code: 'NODE_PARAM_INVALID', details: { problems: [{ path: 'nodes[2].params.speed', node: 'n3' }] } });
    // Nothing was saved, so nothing was audited.
    expect(await bed.database.query(`SELECT count(*)::int AS n FROM audit_logs WHERE user_id = $1`, [viewer.userId])).toEqual([{ n: 0 }]);
  });

  it('renames without a new version, and audits the change with the state before and after', async () => {
    const workflow = await create(owner);
    const response = await patch(owner, workflow.id, { name: 'Renamed', description: 'now described' });
    expect(response.statusCode).toBe(200);
    const renamed = workflowOf(response);
    expect(renamed).toEqual({ ...workflow, name: 'Renamed', description: 'now described', etag: response.headers.etag, updated_at: expect.any(String) });
    expect(renamed.etag).not.toBe(workflow.etag);
    expect(renamed.version).toBe(1);
    expect(await auditOf(bed, workflow.id)).toEqual([
      expect.objectContaining({ action: 'create' }),
      { org_id: owner.orgId, user_id: owner.userId, action: 'update', resource_type: 'workflow', changes: { before: workflow, after: renamed } },
    ]);
  });

  it('adds a version for a new graph or new variables, and none for the same ones', async () => {
    const workflow = await create(owner);
    const v2 = workflowOf(await patch(owner, workflow.id, { graph: graphWithSpeed(1.5) }));
    expect(v2.version).toBe(2);
    expect(v2.graph).toEqual(graphWithSpeed(1.5));
    const same = await patch(owner, workflow.id, { graph: graphWithSpeed(1.5), variables: {} });
    expect(workflowOf(same)).toEqual(v2);
    expect(same.headers.etag).toBe(v2.etag);
    const v3 = workflowOf(await patch(owner, workflow.id, { variables: { topic: 'tides' } }));
    expect(v3.version).toBe(3);
    const rows = await bed.database.query(`SELECT version, graph, variables FROM workflow_versions WHERE workflow_id = $1 ORDER BY version`, [workflow.id]);
    expect(rows).toEqual([
      { version: 1, graph: sampleGraph(), variables: {} },
      { version: 2, graph: graphWithSpeed(1.5), variables: {} },
      { version: 3, graph: graphWithSpeed(1.5), variables: { topic: 'tides' } },
    ]);
    // The no-op wrote nothing: create and two updates.
    expect((await auditOf(bed, workflow.id)).map((entry) => entry.action)).toEqual(['create', 'update', 'update']);
  });

  it('knows the same statuses as the database', async () => {
    const [row] = await bed.database.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'workflows_status_check'`,
    );
    expect([...row!.def.matchAll(/'(\w+)'/g)].map((match) => match[1])).toEqual([...workflowStatuses]);
  });

  it('moves through the lifecycle, refusing the moves it does not allow with from and to', async () => {
    const workflow = await create(owner);
    const skip = await patch(owner, workflow.id, { status: 'production' });
    expect(skip.statusCode).toBe(409);
    expect(errorOf(skip)).toEqual({
      code: 'WORKFLOW_STATUS_TRANSITION_INVALID',
      message: `Workflow ${workflow.id} cannot go from draft to production; from draft it may go to confirmed, archived`,
      details: { from: 'draft', to: 'production', allowed: ['confirmed', 'archived'] },
      request_id: skip.headers['x-request-id'],
    });
    for (const status of ['confirmed', 'preview', 'production']) {
      const moved = await patch(owner, workflow.id, { status });
      expect(moved.statusCode).toBe(200);
      expect(workflowOf(moved).status).toBe(status);
    }
    const back = await patch(owner, workflow.id, { status: 'draft' });
    expect(errorOf(back)).toMatchObject({
      code: 'WORKFLOW_STATUS_TRANSITION_INVALID',
      details: { from: 'production', to: 'draft', allowed: ['preview', 'archived'] },
    });
    expect(workflowOf(await patch(owner, workflow.id, { status: 'preview' })).status).toBe('preview');
    expect(workflowOf(await patch(owner, workflow.id, { status: 'archived' })).status).toBe('archived');

    const archivedEdit = await patch(owner, workflow.id, { name: 'still here', status: 'archived' });
    expect(archivedEdit.statusCode).toBe(409);
    expect(errorOf(archivedEdit)).toMatchObject({ code: 'WORKFLOW_ARCHIVED', details: { fields: ['name'] } });
    expect(errorOf(await patch(owner, workflow.id, { status: 'confirmed' }))).toMatchObject({
      details: { from: 'archived', to: 'confirmed', allowed: ['draft'] },
    });
    const restored = await patch(owner, workflow.id, { status: 'draft', name: 'Restored' });
    expect(workflowOf(restored)).toMatchObject({ status: 'draft', name: 'Restored', version: 1 });
    const invalid = await patch(owner, workflow.id, { status: 'live' });
    expect(errorOf(invalid)).toMatchObject({
      code: 'REQUEST_INVALID',
      details: { problems: [{ path: 'body.status', message: 'must be one of: draft, confirmed, preview, production, archived' }] },
    });
  });

  it('writes only when If-Match names the current ETag', async () => {
    const workflow = await create(owner);
    const first = await patch(owner, workflow.id, { name: 'First' }, { 'if-match': workflow.etag });
    expect(first.statusCode).toBe(200);
    const stale = await patch(owner, workflow.id, { name: 'Second' }, { 'if-match': workflow.etag });
    expect(stale.statusCode).toBe(412);
    expect(errorOf(stale)).toMatchObject({ code: 'REQUEST_PRECONDITION_FAILED', details: { etag: first.headers.etag } });
    expect(errorOf(stale).message).toBe(
      `Workflow ${workflow.id} has changed since it was read (If-Match ${workflow.etag}, now ${String(first.headers.etag)}); read it again and retry`,
    );
    expect(workflowOf(await http.get(owner, `/v1/workflows/${workflow.id}`)).name).toBe('First');
    expect((await patch(owner, workflow.id, { name: 'Any' }, { 'if-match': '*' })).statusCode).toBe(200);
    expect((await patch(owner, workflow.id, { name: 'Weak' }, { 'if-match': `W/${workflow.etag}` })).statusCode).toBe(412);
    const staleDelete = await http.send(owner, 'DELETE', `/v1/workflows/${workflow.id}`, undefined, { 'if-match': workflow.etag });
    expect(staleDelete.statusCode).toBe(412);
    expect((await http.get(owner, `/v1/workflows/${workflow.id}`)).statusCode).toBe(200);
  });

  it('lets viewers read but not write', async () => {
    const workflow = await create(owner);
    const viewer = await bed.member(owner, 'viewer');
    // Even a viewer's key that was given write scopes loses them: the role decides.
    const overScoped = await bed.member(owner, 'viewer', ['workflows:read', 'workflows:write']);
    expect((await http.get(viewer, `/v1/workflows/${workflow.id}`)).statusCode).toBe(200);
    for (const caller of [viewer, overScoped]) {
      for (const [method, url, body] of [
        ['POST', '/v1/workflows', { name: 'x', graph: sampleGraph() }],
        ['PATCH', `/v1/workflows/${workflow.id}`, { name: 'x' }],
        ['DELETE', `/v1/workflows/${workflow.id}`, undefined],
      ] as const) {
        const response = await http.send(caller, method, url, body);
        expect(response.statusCode).toBe(403);
        expect(errorOf(response)).toMatchObject({ code: 'SCOPE_MISSING', details: { missing_scope: 'workflows:write', role: 'viewer' } });
      }
    }
    expect(workflowOf(await http.get(owner, `/v1/workflows/${workflow.id}`))).toEqual(workflow);
  });

  it('lets editors write', async () => {
    const editor = await bed.member(owner, 'editor');
    const workflow = await create(editor);
    expect(workflow.created_by).toBe(editor.userId);
    expect((await patch(editor, workflow.id, { status: 'confirmed' })).statusCode).toBe(200);
  });

  it("answers another org's workflow with 404 on every route, and leaves it as it was", async () => {
    const workflow = await create(owner);
    const attempts = [
      http.get(other, `/v1/workflows/${workflow.id}`),
      patch(other, workflow.id, { name: 'taken' }),
      http.send(other, 'DELETE', `/v1/workflows/${workflow.id}`),
      http.get(other, `/v1/workflows/${workflow.id}/versions`),
      http.get(other, `/v1/workflows/${workflow.id}/versions/1`),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.statusCode).toBe(404);
      expect(errorOf(response)).toMatchObject({ code: 'WORKFLOW_NOT_FOUND', message: `Workflow ${workflow.id} not found` });
    }
    const missing = await http.get(owner, '/v1/workflows/wf_00000000-0000-7000-8000-000000000000');
    expect(errorOf(missing)).toMatchObject({ code: 'WORKFLOW_NOT_FOUND' });
    expect(workflowOf(await http.get(owner, `/v1/workflows/${workflow.id}`))).toEqual(workflow);
    const list = (await http.get(other, '/v1/workflows?limit=100')).json() as { data: WorkflowBody[] };
    expect(list.data.map((item) => item.id)).not.toContain(workflow.id);
  });

  it('soft-deletes: the row stays with its versions, every route answers 404 afterwards', async () => {
    const workflow = await create(owner);
    const deleted = await http.send(owner, 'DELETE', `/v1/workflows/${workflow.id}`);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    const [row] = await bed.database.query<{ deleted_at: Date | null }>(`SELECT deleted_at FROM workflows WHERE id = $1`, [workflow.id]);
    expect(row!.deleted_at).toBeInstanceOf(Date);
    expect(await bed.database.query(`SELECT version FROM workflow_versions WHERE workflow_id = $1`, [workflow.id])).toEqual([{ version: 1 }]);
    for (const response of [
      await http.get(owner, `/v1/workflows/${workflow.id}`),
      await patch(owner, workflow.id, { name: 'back' }),
      await http.send(owner, 'DELETE', `/v1/workflows/${workflow.id}`),
      await http.get(owner, `/v1/workflows/${workflow.id}/versions`),
      await http.get(owner, `/v1/workflows/${workflow.id}/versions/1`),
    ]) {
      expect(errorOf(response)).toMatchObject({ code: 'WORKFLOW_NOT_FOUND' });
    }
    const list = (await http.get(owner, '/v1/workflows?limit=100')).json() as { data: WorkflowBody[] };
    expect(list.data.map((item) => item.id)).not.toContain(workflow.id);
    expect((await auditOf(bed, workflow.id)).map((entry) => [entry.action, entry.changes])).toEqual([
      ['create', { after: workflow }],
      ['delete', { before: workflow }],
    ]);
  });

  it('files a workflow under a project of its org only', async () => {
    const [project] = await bed.database.query<{ id: string }>(`INSERT INTO projects (org_id, name) VALUES ($1, 'p') RETURNING id`, [owner.orgId]);
    const [foreign] = await bed.database.query<{ id: string }>(`INSERT INTO projects (org_id, name) VALUES ($1, 'q') RETURNING id`, [other.orgId]);
    expect((await create(owner, { project_id: project!.id })).project_id).toBe(project!.id);
    const refused = await http.send(owner, 'POST', '/v1/workflows', { name: 'x', graph: sampleGraph(), project_id: foreign!.id });
    expect(refused.statusCode).toBe(404);
    expect(errorOf(refused)).toMatchObject({ code: 'PROJECT_NOT_FOUND', details: { path: 'body.project_id' } });
    const workflow = await create(owner);
    expect(errorOf(await patch(owner, workflow.id, { project_id: foreign!.id })).code).toBe('PROJECT_NOT_FOUND');
    expect(workflowOf(await patch(owner, workflow.id, { project_id: project!.id })).project_id).toBe(project!.id);
    expect(workflowOf(await patch(owner, workflow.id, { project_id: null })).project_id).toBeNull();
  });

  it('lists newest first, page by page, filtered by status', async () => {
    const org = await bed.newOrg('paged');
    const made: WorkflowBody[] = [];
    for (let i = 0; i < 5; i += 1) made.push(await create(org, { name: `w${i}` }));
    await patch(org, made[1]!.id, { status: 'confirmed' });
    await patch(org, made[3]!.id, { status: 'confirmed' });

    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await http.get(org, `/v1/workflows?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json() as { data: WorkflowBody[]; next_cursor: string | null };
      names.push(...page.data.map((item) => item.name));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor);
    expect(names).toEqual(['w4', 'w3', 'w2', 'w1', 'w0']);
    expect(pages).toBe(3);

    const confirmed = (await http.get(org, '/v1/workflows?status=confirmed')).json() as { data: WorkflowBody[]; next_cursor: null };
    expect(confirmed.data.map((item) => [item.name, item.status])).toEqual([
      ['w3', 'confirmed'],
      ['w1', 'confirmed'],
    ]);
    expect(confirmed.next_cursor).toBeNull();
    expect(errorOf(await http.get(org, '/v1/workflows?status=live')).code).toBe('REQUEST_INVALID');
    const templatesCursor = Buffer.from(JSON.stringify({ l: 'templates', after: 'tmpl_x' })).toString('base64url');
    expect(errorOf(await http.get(org, `/v1/workflows?cursor=${templatesCursor}`)).code).toBe('CURSOR_INVALID');
  });
});
