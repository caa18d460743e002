import { builtInNodeDefinitionRegistry, validateGraph } from '@fenta/graph';
import { demoWorkflow } from '@fenta/db';
import { estimateNodeUsage, sumUsage, usageEstimates } from '../src/estimate-usage';

type Graph = { nodes: Array<{ id: string; type: string; params: Record<string, unknown> }>; edges: unknown[] };
const graph = demoWorkflow.graph as unknown as Graph;
const scriptParams = (params: Record<string, unknown>): Graph => ({
  ...graph,
  nodes: graph.nodes.map((node) => (node.type === 'Script.Generate' ? { ...node, params: { ...node.params, ...params } } : node)),
});
const estimate = (g: Graph) => estimateNodeUsage(validateGraph(g, builtInNodeDefinitionRegistry), builtInNodeDefinitionRegistry);

describe('estimateNodeUsage', () => {
  it('takes tokens for a script through a model and render seconds for the length it asks for', () => {
    const usage = estimate(graph);
    expect(usage.n2).toEqual({ tokens: usageEstimates.scriptTokens, kaiCredits: 0, renderSeconds: 0 });
    // The prompt says "30s".
    expect(usage.n6).toEqual({ tokens: 0, kaiCredits: 0, renderSeconds: 30 });
    expect(sumUsage(usage, ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'])).toEqual({ tokens: 2000, kaiCredits: 0, renderSeconds: 30 });
    expect(sumUsage(usage, ['n3', 'n6'])).toEqual({ tokens: 0, kaiCredits: 0, renderSeconds: 30 });
  });

  it('reserves a render per output profile, and a fifth of one for a preview', () => {
    const outputs = {
      ...graph,
      nodes: graph.nodes.map((node) =>
        node.type === 'Output.Render' ? { ...node, params: { ...node.params, profiles: ['1x1_1080p', '16x9_1080p'], preview: true } } : node,
      ),
    };
    // 30 s of video, three profiles and a preview: 3 × 30 + 0.2 × 30.
    expect(estimate(outputs).n6).toEqual({ tokens: 0, kaiCredits: 0, renderSeconds: 96 });
  });

  it('follows target_seconds over the prompt, and takes no tokens for an offline script', () => {
    const usage = estimate(scriptParams({ target_seconds: 90, provider: 'offline' }));
    expect(usage.n2).toEqual({ tokens: 0, kaiCredits: 0, renderSeconds: 0 });
    expect(usage.n6!.renderSeconds).toBe(90);
    expect(estimate(scriptParams({ prompt: 'a calm explainer' })).n6!.renderSeconds).toBe(30);
  });

  it('takes no tokens for a given script and renders as long as it takes to say (2.5 words, 5 CJK characters a second)', () => {
    const given = (params: Record<string, unknown>) => scriptParams({ genre: undefined, prompt: undefined, provider: 'given', ...params });
    // 25 words: 10 s.
    const words = Array.from({ length: 25 }, (_, i) => `word${i}`).join(' ');
    expect(estimate(given({ text: `${words}.` }))).toMatchObject({ n2: { tokens: 0 }, n6: { renderSeconds: 10 } });
    // Two beats of 50 and 25 Japanese characters: 15 s.
    expect(estimate(given({ lang: 'ja', beats: [{ text: 'あ'.repeat(50) }, { text: '字'.repeat(25) }] })).n6!.renderSeconds).toBe(15);
    // target_seconds still wins, and the bounds hold.
    expect(estimate(given({ text: words, target_seconds: 40 })).n6!.renderSeconds).toBe(40);
    expect(estimate(given({ text: 'Hi.' })).n6!.renderSeconds).toBe(5);
  });
});
