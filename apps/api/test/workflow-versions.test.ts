import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';
import { errorOf, graphWithSpeed, requestsOf, sampleGraph } from './content-requests';

interface VersionBody {
  id: string;
  workflow_id: string;
  version: number;
  graph: unknown;
  variables: Record<string, unknown>;
  created_by: string | null;
  created_at: string;
}

describe('workflow versions over HTTP', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let http: ReturnType<typeof requestsOf>;

  beforeAll(async () => {
    bed = await startApiTestbed();
    owner = await bed.newOrg('alpha');
    http = requestsOf(bed);
  });
  afterAll(() => bed.close());

  async function createWorkflow(): Promise<string> {
    const response = await http.send(owner, 'POST', '/v1/workflows', { name: 'Versioned', graph: sampleGraph() });
    expect(response.statusCode).toBe(201);
    return (response.json() as { workflow: { id: string } }).workflow.id;
  }

  const patch = async (id: string, body: unknown) => {
    const response = await http.send(owner, 'PATCH', `/v1/workflows/${id}`, body);
    expect(response.statusCode).toBe(200);
    return (response.json() as { workflow: { version: number } }).workflow.version;
  };

  it('counts one version per change of the graph or the variables, exactly, and serves each', async () => {
    const id = await createWorkflow();
    expect(await patch(id, { graph: graphWithSpeed(1.1) })).toBe(2);
    expect(await patch(id, { name: 'Renamed', status: 'confirmed' })).toBe(2);
    expect(await patch(id, { graph: graphWithSpeed(1.2), variables: { topic: 'rain' } })).toBe(3);
    expect(await patch(id, { variables: { topic: 'snow' } })).toBe(4);

    const editor = await bed.member(owner, 'editor');
    const byEditor = await http.send(editor, 'PATCH', `/v1/workflows/${id}`, { graph: graphWithSpeed(1.3) });
    expect((byEditor.json() as { workflow: { version: number } }).workflow.version).toBe(5);

    const list = await http.get(owner, `/v1/workflows/${id}/versions`);
    expect(list.statusCode).toBe(200);
    const page = list.json() as { data: VersionBody[]; next_cursor: string | null };
    expect(page.next_cursor).toBeNull();
    expect(page.data.map((v) => [v.version, v.variables, v.created_by])).toEqual([
      [5, { topic: 'snow' }, editor.userId],
      [4, { topic: 'snow' }, owner.userId],
      [3, { topic: 'rain' }, owner.userId],
      [2, {}, owner.userId],
      [1, {}, owner.userId],
    ]);

    const first = await http.get(owner, `/v1/workflows/${id}/versions/1`);
    expect(first.statusCode).toBe(200);
    expect((first.json() as { version: VersionBody }).version).toEqual({
      id: expect.stringMatching(/^ver_/),
      workflow_id: id,
      version: 1,
      graph: sampleGraph(),
      variables: {},
      created_by: owner.userId,
      created_at: expect.any(String),
    });
    expect((first.json() as { version: VersionBody }).version).toEqual(page.data[4]);
    expect(((await http.get(owner, `/v1/workflows/${id}/versions/3`)).json() as { version: VersionBody }).version.graph).toEqual(graphWithSpeed(1.2));
  });

  it('gives concurrent changes distinct, consecutive version numbers', async () => {
    const id = await createWorkflow();
    const speeds = [0.6, 0.7, 0.8, 0.9, 1.1, 1.2];
    const responses = await Promise.all(speeds.map((speed) => http.send(owner, 'PATCH', `/v1/workflows/${id}`, { graph: graphWithSpeed(speed) })));
    expect(responses.map((response) => response.statusCode)).toEqual(speeds.map(() => 200));
    const versions = responses.map((response) => (response.json() as { workflow: { version: number } }).workflow.version);
    expect([...versions].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7]);

    const rows = await bed.database.query<{ version: number; graph: ReturnType<typeof graphWithSpeed> }>(
      `SELECT version, graph FROM workflow_versions WHERE workflow_id = $1 ORDER BY version`,
      [id],
    );
    expect(rows.map((row) => row.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Each version holds the graph of the request that made it, and the workflow holds the last one.
    responses.forEach((response, i) => {
      const version = (response.json() as { workflow: { version: number } }).workflow.version;
      expect(rows[version - 1]!.graph).toEqual(graphWithSpeed(speeds[i]!));
    });
    const [workflow] = await bed.database.query<{ graph: unknown }>(`SELECT graph FROM workflows WHERE id = $1`, [id]);
    expect(workflow!.graph).toEqual(rows[6]!.graph);
  });

  it('pages through versions newest first', async () => {
    const id = await createWorkflow();
    for (const speed of [1.1, 1.2, 1.3, 1.4]) await patch(id, { graph: graphWithSpeed(speed) });
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const response = await http.get(owner, `/v1/workflows/${id}/versions?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const page = response.json() as { data: VersionBody[]; next_cursor: string | null };
      seen.push(...page.data.map((v) => v.version));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([5, 4, 3, 2, 1]);
  });

  it('answers a version that does not exist with 404, and a number that cannot be one with 400', async () => {
    const id = await createWorkflow();
    const missing = await http.get(owner, `/v1/workflows/${id}/versions/2`);
    expect(missing.statusCode).toBe(404);
    expect(errorOf(missing)).toMatchObject({ code: 'WORKFLOW_VERSION_NOT_FOUND', message: `Workflow ${id} has no version 2` });
    for (const bad of ['0', 'one', '99999999999']) {
      const response = await http.get(owner, `/v1/workflows/${id}/versions/${bad}`);
      expect(response.statusCode).toBe(400);
      expect(errorOf(response).code).toBe('REQUEST_INVALID');
    }
  });
});
