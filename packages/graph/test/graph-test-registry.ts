import { z } from 'zod';
import { defineNode } from '../src/node-definition';
import { createNodeDefinitionRegistry } from '../src/node-definition-registry';

const policy = { retry: { attempts: 1, backoffMs: 10 }, timeoutMs: 1_000 };

/** Node definitions shaped like the built-in ones (same names, ports and kinds), for graph validation tests. */
export const graphTestNodeTypes = [
  defineNode({
    type: 'Input.Stock',
    stage: 'ingest',
    description: 'footage',
    params: z.object({ query: z.string().min(1) }),
    inputs: {},
    output: 'footage',
    ...policy,
  }),
  defineNode({
    type: 'Script.Generate',
    stage: 'script',
    description: 'script',
    params: z.object({ prompt: z.string() }),
    inputs: {},
    output: 'script',
    ...policy,
  }),
  defineNode({
    type: 'Voice.TTS',
    stage: 'tts',
    description: 'speech',
    params: z.object({ voice: z.string().default('alloy_en'), speed: z.number().min(0.5).max(2).default(1) }),
    inputs: { script: { kind: 'script' } },
    output: 'speech',
    ...policy,
  }),
  defineNode({
    type: 'Subtitle.Auto',
    stage: 'subtitle',
    description: 'captions',
    params: z.object({}),
    inputs: { speech: { kind: 'speech' } },
    output: 'captions',
    ...policy,
  }),
  defineNode({
    type: 'Edit.Timeline',
    stage: 'edit',
    description: 'timeline',
    params: z.object({ template_id: z.string() }),
    inputs: { footage: { kind: 'footage' }, captions: { kind: 'captions' } },
    output: 'timeline',
    ...policy,
  }),
  defineNode({
    type: 'Output.Render',
    stage: 'export',
    description: 'render',
    params: z.object({ profile: z.string().default('9x16_1080p') }),
    inputs: { timeline: { kind: 'timeline' } },
    output: 'render',
    ...policy,
  }),
];

export const graphTestRegistry = createNodeDefinitionRegistry(graphTestNodeTypes);

/** With types that take and give the same kind, which is what it takes to make a loop; Script.Merge lets two loops share a node. */
export const loopTestRegistry = createNodeDefinitionRegistry([
  ...graphTestNodeTypes,
  defineNode({
    type: 'Script.Rewrite',
    stage: 'script',
    description: 'script to script',
    params: z.object({}),
    inputs: { script: { kind: 'script' } },
    output: 'script',
    ...policy,
  }),
  defineNode({
    type: 'Script.Merge',
    stage: 'script',
    description: 'two scripts to one',
    params: z.object({}),
    inputs: { first: { kind: 'script' }, second: { kind: 'script' } },
    output: 'script',
    ...policy,
  }),
]);
