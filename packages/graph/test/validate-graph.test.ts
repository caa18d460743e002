import { demoWorkflow } from '@fenta/db';
import { graphLimits } from '../src/graph-limits';
import { validateGraph } from '../src/validate-graph';
import { graphTestRegistry, loopTestRegistry } from './graph-test-registry';

function clone<T>(value: T): { -readonly [K in keyof T]: any } {
  return JSON.parse(JSON.stringify(value));
}

function problemsOf(graph: unknown): Array<{ code: string; message: string; path: string }> {
  try {
    validateGraph(graph, graphTestRegistry);
  } catch (error) {
    return (error as { details: { problems: Array<{ code: string; message: string; path: string }> } }).details.problems.map(({ code, message, path }) => ({
      code,
      message,
      path,
    }));
  }
  throw new Error('the graph was accepted');
}

describe('validateGraph', () => {
  it('accepts the sample workflow, orders it topologically and wires ports by kind', () => {
    const plan = validateGraph(demoWorkflow.graph, graphTestRegistry);
    expect(plan.order).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    expect(plan.inputs).toEqual({
      n1: {},
      n2: {},
      n3: { script: 'n2' },
      n4: { speech: 'n3' },
      n5: { footage: 'n1', captions: 'n4' },
      n6: { timeline: 'n5' },
    });
    expect(plan.outputs).toEqual(['n6']);
    expect(plan.params.n3).toEqual({ voice: 'alloy_en', speed: 1.02 });
  });

  it('orders by dependencies, not by listing order', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes.reverse();
    const plan = validateGraph(graph, graphTestRegistry);
    expect(plan.order.indexOf('n2')).toBeLessThan(plan.order.indexOf('n3'));
    expect(plan.order.indexOf('n5')).toBeLessThan(plan.order.indexOf('n6'));
    expect(plan.order.at(-1)).toBe('n6');
  });

  it('GRAPH_SHAPE_INVALID names the path of a malformed graph', () => {
    expect(problemsOf({ nodes: [{ id: '', type: 'Input.Stock' }], edges: 'none' })).toEqual([
      { code: 'GRAPH_SHAPE_INVALID', message: 'Workflow graph is malformed at nodes[0].id: must not be empty', path: 'nodes[0].id' },
      { code: 'GRAPH_SHAPE_INVALID', message: expect.stringMatching(/^Workflow graph is malformed at edges: /), path: 'edges' },
    ]);
    expect(problemsOf(null)[0]).toMatchObject({ code: 'GRAPH_SHAPE_INVALID', path: 'graph' });
  });

  it('GRAPH_NODE_TYPE_UNKNOWN names the node', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes[1].type = 'Script.Imagine';
    expect(problemsOf(graph)).toContainEqual({ code: 'GRAPH_NODE_TYPE_UNKNOWN', message: 'Node n2 has unknown type "Script.Imagine"', path: 'nodes[1].type' });
  });

  it('NODE_PARAM_INVALID names the node and the path of the param', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes[2].params.speed = 9;
    expect(problemsOf(graph)).toEqual([
      {
        code: 'NODE_PARAM_INVALID',
        message: expect.stringMatching(/^Node n3 \(Voice\.TTS\) has invalid params at params\.speed: /),
        path: 'nodes[2].params.speed',
      },
    ]);
  });

  it('GRAPH_NODE_DUPLICATE names the id used twice', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes[5].id = 'n1';
    expect(problemsOf(graph)[0]).toEqual({ code: 'GRAPH_NODE_DUPLICATE', message: 'Node id "n1" is used more than once', path: 'nodes[5].id' });
  });

  it('GRAPH_EDGE_NODE_MISSING names the edge and the node', () => {
    const graph = clone(demoWorkflow.graph);
    graph.edges[4].to = 'n9';
    expect(problemsOf(graph)).toContainEqual({
      code: 'GRAPH_EDGE_NODE_MISSING',
      message: 'Edge e5 refers to node "n9", which is not in the graph',
      path: 'edges[4].to',
    });
  });

  it('GRAPH_PORT_INCOMPATIBLE for a kind mismatch, an unknown port, and an unfed input', () => {
    const mismatch = clone(demoWorkflow.graph);
    mismatch.edges.push({ id: 'e6', from: 'n2', to: 'n6' });
    expect(problemsOf(mismatch)).toContainEqual({
      code: 'GRAPH_PORT_INCOMPATIBLE',
      message: 'Edge e6 cannot connect n2.output to n6.?: Output.Render takes no script input (inputs: timeline: timeline)',
      path: 'edges[5]',
    });

    const unknownPort = clone(demoWorkflow.graph);
    unknownPort.edges[0].toPort = 'music';
    expect(problemsOf(unknownPort)).toContainEqual({
      code: 'GRAPH_PORT_INCOMPATIBLE',
      message: 'Edge e1 cannot connect n1.output to n5.music: Edit.Timeline has no input "music" (inputs: footage, captions)',
      path: 'edges[0].toPort',
    });

    const unfed = clone(demoWorkflow.graph);
    unfed.edges.splice(0, 1);
    expect(problemsOf(unfed)).toEqual([
      {
        code: 'GRAPH_PORT_INCOMPATIBLE',
        message: 'Edge (none) cannot connect (nothing) to n5.footage: required footage input is not connected',
        path: 'nodes[4]',
      },
    ]);
  });

  it('GRAPH_CYCLE names the loop', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes.push({ id: 'r1', type: 'Script.Rewrite', params: {} }, { id: 'r2', type: 'Script.Rewrite', params: {} });
    graph.edges.push({ id: 'e6', from: 'r1', to: 'r2' }, { id: 'e7', from: 'r2', to: 'r1' });
    let caught: any;
    try {
      validateGraph(graph, loopTestRegistry);
    } catch (error) {
      caught = error;
    }
    expect(caught.details.problems).toEqual([{ code: 'GRAPH_CYCLE', message: 'Workflow graph has a cycle: r1 → r2 → r1', path: 'edges', node: 'r1' }]);
  });

  it('GRAPH_NO_OUTPUT when nothing renders', () => {
    const graph = { nodes: [{ id: 'n2', type: 'Script.Generate', params: { prompt: 'x' } }], edges: [] };
    expect(problemsOf(graph)).toEqual([{ code: 'GRAPH_NO_OUTPUT', message: 'Workflow graph has no output node (one of: Output.Render)', path: 'nodes' }]);
  });

  it('lists every problem, and the thrown error carries the first one', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes[0].type = 'Nope';
    graph.nodes[2].params.speed = 'fast';
    let caught: any;
    try {
      validateGraph(graph, graphTestRegistry);
    } catch (error) {
      caught = error;
    }
    expect(caught.code).toBe('GRAPH_NODE_TYPE_UNKNOWN');
    expect(caught.status).toBe(400);
    expect(caught.details.problems.map((p: { code: string }) => p.code)).toEqual(['GRAPH_NODE_TYPE_UNKNOWN', 'NODE_PARAM_INVALID']);
  });

  describe('ids that would become paths', () => {
    // Each of these, used as a folder or key segment, would climb out of its root or break the key grammar.
    const hostile = ['..', '.', '../../x', '../../../../etc', '/etc/passwd', 'a/b', 'a\\b', 'a\u0000b', 'n1 ', 'é', 'x'.repeat(65), ''];

    it.each(hostile.filter((id) => id !== ''))('refuses node id %j with GRAPH_ID_INVALID naming it, before any other check', (id) => {
      const graph = clone(demoWorkflow.graph);
      graph.nodes[0].id = id;
      graph.edges[0].from = id;
      const problems = problemsOf(graph);
      expect(problems).toEqual([
        {
          code: 'GRAPH_ID_INVALID',
          message: `Node id ${JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id)} is not allowed: ids are 1 to 64 letters, digits, "_" or "-"`,
          path: 'nodes[0].id',
        },
      ]);
    });

    it('refuses edge ids outside the grammar too', () => {
      const graph = clone(demoWorkflow.graph);
      graph.edges[2].id = '../e3';
      expect(problemsOf(graph)).toEqual([
        { code: 'GRAPH_ID_INVALID', message: 'Edge id "../e3" is not allowed: ids are 1 to 64 letters, digits, "_" or "-"', path: 'edges[2].id' },
      ]);
    });

    it('bounds ids before looking at them: a megabyte id is a shape error, not a message a megabyte long', () => {
      const graph = clone(demoWorkflow.graph);
      graph.nodes[0].id = 'a'.repeat(1_000_000);
      const problems = problemsOf(graph);
      expect(problems.map((p) => p.code)).toContain('GRAPH_SHAPE_INVALID');
      expect(Math.max(...problems.map((p) => p.message.length))).toBeLessThan(200);
    });

    it('accepts ids of letters, digits, "_" and "-" up to 64 characters', () => {
      const graph = clone(demoWorkflow.graph);
      const id = `Render_node-${'x'.repeat(52)}`;
      graph.nodes[5].id = id;
      graph.edges[4].to = id;
      expect(validateGraph(graph, graphTestRegistry).outputs).toEqual([id]);
    });
  });

  it('GRAPH_OUTPUT_DUPLICATE refuses a second output node: a job has one render', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes.push({ id: 'n7', type: 'Output.Render', params: { profile: '9x16_720p' } });
    graph.edges.push({ id: 'e6', from: 'n5', to: 'n7' });
    expect(problemsOf(graph)).toEqual([
      { code: 'GRAPH_OUTPUT_DUPLICATE', message: 'Workflow graph has 2 output nodes (n6, n7); a job renders one video', path: 'nodes' },
    ]);
  });

  it('GRAPH_NODE_UNUSED names a node whose work would lead to no output', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes.push({ id: 'extra', type: 'Script.Generate', params: { prompt: 'unused' } }, { id: 'voice2', type: 'Voice.TTS', params: {} });
    graph.edges.push({ id: 'e6', from: 'extra', to: 'voice2' });
    expect(problemsOf(graph)).toEqual([
      { code: 'GRAPH_NODE_UNUSED', message: 'Node extra (Script.Generate) does not lead to an output node; connect it or remove it', path: 'nodes[6]' },
      { code: 'GRAPH_NODE_UNUSED', message: 'Node voice2 (Voice.TTS) does not lead to an output node; connect it or remove it', path: 'nodes[7]' },
    ]);
  });

  it('GRAPH_TOO_LARGE refuses more nodes or edges than the limits allow, before reading them', () => {
    const nodes = Array.from({ length: graphLimits.nodes + 1 }, (_, index) => ({ id: `n${index}`, type: 'Input.Stock', params: { query: 'q' } }));
    expect(problemsOf({ nodes, edges: [] })).toEqual([
      { code: 'GRAPH_TOO_LARGE', message: `Workflow graph has ${graphLimits.nodes + 1} nodes; at most ${graphLimits.nodes} are allowed`, path: 'nodes' },
    ]);
    const edges = Array.from({ length: graphLimits.edges + 1 }, () => 'not even an edge');
    expect(problemsOf({ nodes: [], edges })).toEqual([
      { code: 'GRAPH_TOO_LARGE', message: `Workflow graph has ${graphLimits.edges + 1} edges; at most ${graphLimits.edges} are allowed`, path: 'edges' },
    ]);
  });
});
