import Ajv from 'ajv';
import { z } from 'zod';
import { demoWorkflow } from '@fenta/db';
import { builtInNodeDefinitionRegistry, builtInNodeDefinitions } from '../src/definitions/built-in-node-definitions';
import { describeNodeTypes } from '../src/describe-node-types';
import { defineNode } from '../src/node-definition';
import { createNodeDefinitionRegistry } from '../src/node-definition-registry';

const catalogue = describeNodeTypes(builtInNodeDefinitionRegistry);
const described = (type: string) => catalogue.find((entry) => entry.type === type)!;
// Strict, as Fastify's ajv is: an unknown keyword or a schema ajv would have to guess about fails to compile.
const ajv = new Ajv({ strict: true, allErrors: true });

describe('describeNodeTypes', () => {
  it('describes every built-in type, by type name', () => {
    expect(catalogue.map((entry) => entry.type)).toEqual(['Edit.Timeline', 'Input.Stock', 'Output.Render', 'Script.Generate', 'Subtitle.Auto', 'Voice.TTS']);
    expect(catalogue.map((entry) => entry.type)).toEqual(builtInNodeDefinitions.map((definition) => definition.type).sort());
  });

  it('gives a type its stage, description, params schema with defaults, ports and policy', () => {
    expect(described('Voice.TTS')).toEqual({
      type: 'Voice.TTS',
      stage: 'tts',
      description: 'Speaks the script with OpenAI TTS (or espeak-ng offline) and measures sentence and word timings from the audio.',
      params: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: {
          voice: { default: 'alloy', type: 'string', minLength: 1, maxLength: 64 },
          speed: { default: 1, type: 'number', minimum: 0.5, maximum: 2 },
          provider: { type: 'string', enum: ['openai', 'espeak-ng'] },
        },
      },
      inputs: { script: { kind: 'script', optional: false } },
      output: { kind: 'speech' },
      retry: { attempts: 2, backoff_ms: 2_000 },
      timeout_ms: 300_000,
    });
  });

  it('requires only the params without a default', () => {
    expect(Object.fromEntries(catalogue.map((entry) => [entry.type, entry.params.required ?? []]))).toEqual({
      'Edit.Timeline': ['template_id'],
      // query or tags: a rule between params that JSON Schema from zod does not carry (the zod schema holds it; see below).
      'Input.Stock': [],
      'Output.Render': [],
      // genre and prompt unless provider is "given", which needs text or beats instead: held by the zod schema.
      'Script.Generate': [],
      'Subtitle.Auto': [],
      'Voice.TTS': [],
    });
  });

  it("gives each type's ports, retry and timeout as its definition has them", () => {
    for (const definition of builtInNodeDefinitions) {
      const entry = described(definition.type);
      expect([definition.type, entry.inputs]).toEqual([
        definition.type,
        Object.fromEntries(Object.entries(definition.inputs).map(([port, spec]) => [port, { kind: spec.kind, optional: spec.optional === true }])),
      ]);
      expect(Object.keys(entry.inputs)).toEqual(Object.keys(definition.inputs));
      expect(entry.output).toEqual({ kind: definition.output });
      expect(entry.retry).toEqual({ attempts: definition.retry.attempts, backoff_ms: definition.retry.backoffMs });
      expect(entry.timeout_ms).toBe(definition.timeoutMs);
      expect([entry.stage, entry.description]).toEqual([definition.stage, definition.description]);
    }
    expect(described('Input.Stock').inputs).toEqual({ script: { kind: 'script', optional: true } });
    expect(described('Edit.Timeline').inputs).toEqual({ footage: { kind: 'footage', optional: false }, captions: { kind: 'captions', optional: false } });
  });

  it('gives valid JSON Schemas that accept the params of the sample workflow, as the zod schemas do', () => {
    for (const node of demoWorkflow.graph.nodes) {
      const entry = described(node.type);
      expect([node.type, ajv.validateSchema(entry.params)]).toEqual([node.type, true]);
      const validate = ajv.compile(entry.params);
      expect([node.id, validate(node.params), validate.errors]).toEqual([node.id, true, null]);
      expect(builtInNodeDefinitionRegistry.get(node.type)!.params.safeParse(node.params).success).toBe(true);
    }
  });

  it('holds Input.Stock to a query, or tags with the assets provider', () => {
    const params = builtInNodeDefinitionRegistry.get('Input.Stock')!.params;
    expect(params.safeParse({ provider: 'assets', tags: ['Beach'] })).toMatchObject({ success: true, data: { tags: ['beach'], count: 5 } });
    expect(params.safeParse({ provider: 'pexels' }).error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['query'], 'is required (or tags, with provider "assets")'],
    ]);
    expect(params.safeParse({ provider: 'pexels', query: 'q', tags: ['x'] }).error?.issues.map((issue) => issue.path)).toEqual([['tags']]);
    expect(params.safeParse({ provider: 'assets', tags: ['../x'] }).error?.issues.map((issue) => issue.path)).toEqual([['tags', 0]]);
  });

  it('refuses what the zod schemas refuse, at the same param', () => {
    const refused: Array<[string, Record<string, unknown>, string]> = [
      ['Voice.TTS', { speed: 9 }, '/speed'],
      ['Input.Stock', { query: 'q', count: 0 }, '/count'],
      ['Output.Render', { profile: 'cinema' }, '/profile'],
      ['Script.Generate', { genre: 'news', prompt: 'p', lang: 'not a language' }, '/lang'],
      ['Subtitle.Auto', { max_chars_per_line: 8.5 }, '/max_chars_per_line'],
      ['Edit.Timeline', { template_id: '' }, '/template_id'],
    ];
    for (const [type, params, at] of refused) {
      const validate = ajv.compile(described(type).params);
      expect([type, validate(params), validate.errors?.map((error) => error.instancePath)]).toEqual([type, false, [at]]);
      expect([type, builtInNodeDefinitionRegistry.get(type)!.params.safeParse(params).success]).toEqual([type, false]);
    }
  });

  it('describes every built-in params schema fully: nothing in them falls back to "any"', () => {
    for (const definition of builtInNodeDefinitions) {
      expect(() => z.toJSONSchema(definition.params, { target: 'draft-07', io: 'input', unrepresentable: 'throw' })).not.toThrow();
    }
  });

  it('is plain JSON, the same on every call', () => {
    const text = JSON.stringify(catalogue);
    expect(JSON.parse(text)).toEqual(catalogue);
    expect(JSON.stringify(describeNodeTypes(builtInNodeDefinitionRegistry))).toBe(text);
    // A caller that changes its copy changes no later answer.
    const mine = describeNodeTypes(builtInNodeDefinitionRegistry);
    mine[0]!.params.type = 'string';
    mine[0]!.inputs.footage!.kind = 'speech';
    expect(JSON.stringify(describeNodeTypes(builtInNodeDefinitionRegistry))).toBe(text);
  });

  it('describes params JSON Schema cannot say as accepting anything, and a transform by what it takes', () => {
    const registry = createNodeDefinitionRegistry([
      defineNode({
        type: 'Test.Odd',
        stage: 'edit',
        description: 'odd params',
        params: z.object({
          at: z.date().optional(),
          seconds: z.string().transform((text) => Number(text)),
          even: z.number().refine((n) => n % 2 === 0, 'must be even'),
        }),
        inputs: {},
        output: 'timeline',
        retry: { attempts: 1, backoffMs: 0 },
        timeoutMs: 1_000,
      }),
    ]);
    expect(describeNodeTypes(registry)[0]!.params).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { at: {}, seconds: { type: 'string' }, even: { type: 'number' } },
      required: ['seconds', 'even'],
    });
  });
});
