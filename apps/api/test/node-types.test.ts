import { builtInNodeDefinitionRegistry, describeNodeTypes } from '@fenta/graph';
import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';
import { errorOf, requestsOf } from './content-requests';

describe('node types over HTTP', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let http: ReturnType<typeof requestsOf>;

  beforeAll(async () => {
    bed = await startApiTestbed();
    owner = await bed.newOrg('alpha');
    http = requestsOf(bed);
  });
  afterAll(() => bed.close());

  it('lists every built-in node type with its params as JSON Schema, its ports and its policy', async () => {
    const viewer = await bed.member(owner, 'viewer');
    const response = await http.get(viewer, '/v1/node-types');
    expect(response.statusCode).toBe(200);
    const body = response.json() as { data: Array<{ type: string; params: Record<string, unknown>; inputs: unknown; output: unknown }> };
    expect(body).toEqual({ data: JSON.parse(JSON.stringify(describeNodeTypes(builtInNodeDefinitionRegistry))) });
    expect(body.data.map((nodeType) => nodeType.type)).toEqual([
      'Edit.Timeline',
      'Input.Stock',
      'Output.Render',
      'Script.Generate',
      'Subtitle.Auto',
      'Voice.TTS',
    ]);
    const tts = body.data.find((nodeType) => nodeType.type === 'Voice.TTS')!;
    expect(tts.inputs).toEqual({ script: { kind: 'script', optional: false } });
    expect(tts.output).toEqual({ kind: 'speech' });
    expect(tts.params).toMatchObject({ type: 'object', properties: { speed: { type: 'number', minimum: 0.5, maximum: 2, default: 1 } } });
  });

  it('needs workflows:read', async () => {
    const narrow = await bed.member(owner, 'editor', ['templates:read']);
    const response = await http.get(narrow, '/v1/node-types');
    expect(response.statusCode).toBe(403);
    expect(errorOf(response)).toMatchObject({ code: 'SCOPE_MISSING', details: { missing_scope: 'workflows:read' } });
  });
});
