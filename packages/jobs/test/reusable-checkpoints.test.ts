import { builtInNodeDefinitionRegistry, validateGraph } from '@fenta/graph';
import { demoWorkflow } from '@fenta/db';
import { reusableCheckpoints, type PlannedJob } from '../src/reusable-checkpoints';

// The sample graph: n1 (footage) → n5; n2 (script) → n3 (voice) → n4 (captions) → n5 (timeline) → n6 (render).
type Graph = { nodes: Array<{ id: string; type: string; params: Record<string, unknown> }>; edges: unknown[] };
const graph = demoWorkflow.graph as unknown as Graph;
const withParams = (id: string, params: Record<string, unknown>): Graph => ({
  ...graph,
  nodes: graph.nodes.map((node) => (node.id === id ? { ...node, params: { ...node.params, ...params } } : node)),
});
const planned = (g: Graph, variables: Record<string, unknown> = { topic: 'tides' }): PlannedJob => ({
  plan: validateGraph(g, builtInNodeDefinitionRegistry),
  config: { variables, templates: {} },
});
const allButRender = new Set(['n1', 'n2', 'n3', 'n4', 'n5']);

describe('reusableCheckpoints', () => {
  it('reuses every completed node of an unchanged graph', () => {
    expect(reusableCheckpoints(planned(graph), allButRender, planned(graph))).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
  });

  it('runs a changed node again, and everything downstream of it even when that completed unchanged', () => {
    expect(reusableCheckpoints(planned(graph), allButRender, planned(withParams('n3', { speed: 1.2 })))).toEqual(['n1', 'n2']);
    expect(reusableCheckpoints(planned(graph), allButRender, planned(withParams('n2', { prompt: '45s calm explainer' })))).toEqual(['n1']);
  });

  it('compares params with their defaults applied: spelling out a default changes nothing', () => {
    expect(reusableCheckpoints(planned(graph), allButRender, planned(withParams('n6', { profile: '9x16_1080p' })))).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
  });

  it('reuses nothing run with other variables, nor what the parent did not complete', () => {
    expect(reusableCheckpoints(planned(graph), allButRender, planned(graph, { topic: 'rivers' }))).toEqual([]);
    expect(reusableCheckpoints(planned(graph), new Set(['n1', 'n3', 'n4']), planned(graph))).toEqual(['n1']);
  });
});
