import { demoWorkflow } from '@fenta/db';
import { errorCodes } from '@fenta/core';
import { builtInNodeDefinitionRegistry } from '../src/definitions/built-in-node-definitions';
import type { GraphProblem } from '../src/graph-problems';
import { graphLimits } from '../src/graph-limits';
import type { NodeDefinitionRegistry } from '../src/node-definition-registry';
import { validateGraph } from '../src/validate-graph';
import { graphTestRegistry, loopTestRegistry } from './graph-test-registry';

function clone<T>(value: T): { -readonly [K in keyof T]: any } {
  return JSON.parse(JSON.stringify(value));
}

function problemsOf(graph: unknown, registry: NodeDefinitionRegistry = graphTestRegistry): GraphProblem[] {
  try {
    validateGraph(graph, registry);
  } catch (error) {
    return (error as { details: { problems: GraphProblem[] } }).details.problems;
  }
  throw new Error('the graph was accepted');
}

/** The sample graph with two Script.Rewrite nodes added, for loops. */
function withRewrites(...ids: string[]) {
  const graph = clone(demoWorkflow.graph);
  graph.nodes.push(...ids.map((id) => ({ id, type: 'Script.Rewrite', params: {} })));
  return graph;
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

  it('accepts the sample workflow with the built-in node types, leaving the optional script input of Input.Stock unconnected', () => {
    const plan = validateGraph(demoWorkflow.graph, builtInNodeDefinitionRegistry);
    expect(plan.inputs.n1).toEqual({});
    expect(plan.order).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
  });

  it('orders by dependencies, not by listing order', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes.reverse();
    const plan = validateGraph(graph, graphTestRegistry);
    expect(plan.order.indexOf('n2')).toBeLessThan(plan.order.indexOf('n3'));
    expect(plan.order.indexOf('n5')).toBeLessThan(plan.order.indexOf('n6'));
    expect(plan.order.at(-1)).toBe('n6');
  });

  it('reports graph problems as 400s that are not retried', () => {
    const graphCodes = Object.keys(errorCodes).filter((code) => code.startsWith('GRAPH_') || code === 'NODE_PARAM_INVALID');
    expect(graphCodes.sort()).toEqual([
      'GRAPH_CYCLE',
      'GRAPH_EDGE_NODE_MISSING',
      'GRAPH_EDGE_PORT_UNKNOWN',
      'GRAPH_ID_INVALID',
      'GRAPH_INPUT_FED_TWICE',
      'GRAPH_INPUT_UNCONNECTED',
      'GRAPH_NODE_DUPLICATE',
      'GRAPH_NODE_TYPE_UNKNOWN',
      'GRAPH_NODE_UNUSED',
      'GRAPH_NO_OUTPUT',
      'GRAPH_OUTPUT_DUPLICATE',
      'GRAPH_PORT_INCOMPATIBLE',
      'GRAPH_SHAPE_INVALID',
      'GRAPH_TOO_LARGE',
      'NODE_PARAM_INVALID',
    ]);
    for (const code of graphCodes) expect([code, errorCodes[code as keyof typeof errorCodes]]).toMatchObject([code, { status: 400, retryable: false }]);
  });

  it('GRAPH_SHAPE_INVALID names the path of a malformed graph', () => {
    expect(problemsOf({ nodes: [{ id: '', type: 'Input.Stock' }], edges: 'none' })).toEqual([
      { code: 'GRAPH_SHAPE_INVALID', message: 'Workflow graph is malformed at nodes[0].id: must not be empty', path: 'nodes[0].id' },
      { code: 'GRAPH_SHAPE_INVALID', message: 'Workflow graph is malformed at edges: Invalid input: expected array, received string', path: 'edges' },
    ]);
    expect(problemsOf(null)).toEqual([
      { code: 'GRAPH_SHAPE_INVALID', message: 'Workflow graph is malformed at graph: Invalid input: expected object, received null', path: 'graph' },
    ]);
  });

  it('GRAPH_NODE_TYPE_UNKNOWN names the node, and the ports of the node and of its edges are not checked', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes[1].type = 'Script.Imagine';
    // n3's script input is fed by the unknown node's edge: no GRAPH_INPUT_UNCONNECTED, no GRAPH_PORT_INCOMPATIBLE.
    expect(problemsOf(graph)).toEqual([
      { code: 'GRAPH_NODE_TYPE_UNKNOWN', message: 'Node n2 has unknown type "Script.Imagine"', path: 'nodes[1].type', node: 'n2' },
    ]);
  });

  it('a misspelt output type is GRAPH_NODE_TYPE_UNKNOWN alone, not also GRAPH_NO_OUTPUT', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes[5].type = 'Output.Rendr';
    expect(problemsOf(graph)).toEqual([
      { code: 'GRAPH_NODE_TYPE_UNKNOWN', message: 'Node n6 has unknown type "Output.Rendr"', path: 'nodes[5].type', node: 'n6' },
    ]);
  });

  it('NODE_PARAM_INVALID names the node and the path of the param', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes[2].params.speed = 9;
    expect(problemsOf(graph)).toEqual([
      {
        code: 'NODE_PARAM_INVALID',
        message: 'Node n3 (Voice.TTS) has invalid params at params.speed: Too big: expected number to be <=2',
        path: 'nodes[2].params.speed',
        node: 'n3',
      },
    ]);
  });

  it('NODE_PARAM_INVALID lists one problem per bad param, for every node', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes[2].params = { voice: '', speed: 'fast' };
    delete graph.nodes[1].params.prompt;
    expect(problemsOf(graph, builtInNodeDefinitionRegistry)).toEqual([
      {
        code: 'NODE_PARAM_INVALID',
        message: 'Node n2 (Script.Generate) has invalid params at params.prompt: is required (unless provider is "given")',
        path: 'nodes[1].params.prompt',
        node: 'n2',
      },
      {
        code: 'NODE_PARAM_INVALID',
        message: 'Node n3 (Voice.TTS) has invalid params at params.voice: Too small: expected string to have >=1 characters',
        path: 'nodes[2].params.voice',
        node: 'n3',
      },
      {
        code: 'NODE_PARAM_INVALID',
        message: 'Node n3 (Voice.TTS) has invalid params at params.speed: Invalid input: expected number, received string',
        path: 'nodes[2].params.speed',
        node: 'n3',
      },
    ]);
  });

  describe('GRAPH_NODE_DUPLICATE', () => {
    it('names the id and both nodes, and is not also reported as a cycle', () => {
      const graph = clone(demoWorkflow.graph);
      graph.nodes.push({ id: 'n2', type: 'Script.Generate', params: { prompt: 'again' } });
      expect(problemsOf(graph)).toEqual([
        { code: 'GRAPH_NODE_DUPLICATE', message: 'Node id "n2" is used by nodes[1] and nodes[6]; node ids must be unique', path: 'nodes[6].id', node: 'n2' },
      ]);
    });

    it('still reports the edges to nowhere, but not the inputs an ambiguous edge was meant for', () => {
      const graph = clone(demoWorkflow.graph);
      graph.nodes[5].id = 'n1';
      expect(problemsOf(graph)).toEqual([
        { code: 'GRAPH_NODE_DUPLICATE', message: 'Node id "n1" is used by nodes[0] and nodes[5]; node ids must be unique', path: 'nodes[5].id', node: 'n1' },
        { code: 'GRAPH_EDGE_NODE_MISSING', message: 'Edge e5 refers to node "n6", which is not in the graph', path: 'edges[4].to', edge: 'e5' },
      ]);
    });
  });

  describe('GRAPH_EDGE_NODE_MISSING', () => {
    it('names the edge and the node; the input the edge does not reach is unconnected', () => {
      const graph = clone(demoWorkflow.graph);
      graph.edges[4].to = 'n9';
      expect(problemsOf(graph)).toEqual([
        { code: 'GRAPH_EDGE_NODE_MISSING', message: 'Edge e5 refers to node "n9", which is not in the graph', path: 'edges[4].to', edge: 'e5' },
        {
          code: 'GRAPH_INPUT_UNCONNECTED',
          message: 'Node n6 (Output.Render) needs an edge into its input "timeline", which takes timeline',
          path: 'nodes[5].inputs.timeline',
          node: 'n6',
        },
      ]);
    });

    it('an edge from nowhere leaves the input it goes to unreported, and names both ends when both are missing', () => {
      const graph = clone(demoWorkflow.graph);
      graph.edges[0].from = 'n0';
      graph.edges.push({ from: 'x', to: 'y' });
      expect(problemsOf(graph)).toEqual([
        { code: 'GRAPH_EDGE_NODE_MISSING', message: 'Edge e1 refers to node "n0", which is not in the graph', path: 'edges[0].from', edge: 'e1' },
        { code: 'GRAPH_EDGE_NODE_MISSING', message: 'Edge edges[5] refers to node "x", which is not in the graph', path: 'edges[5].from', edge: 'edges[5]' },
        { code: 'GRAPH_EDGE_NODE_MISSING', message: 'Edge edges[5] refers to node "y", which is not in the graph', path: 'edges[5].to', edge: 'edges[5]' },
      ]);
    });
  });

  describe('GRAPH_EDGE_PORT_UNKNOWN', () => {
    it('names an input the target does not have, with the inputs it has', () => {
      const graph = clone(demoWorkflow.graph);
      graph.edges[0].toPort = 'music';
      expect(problemsOf(graph)).toEqual([
        {
          code: 'GRAPH_EDGE_PORT_UNKNOWN',
          message: 'Edge e1 names input "music", but n5 (Edit.Timeline) has inputs "footage" and "captions"',
          path: 'edges[0].toPort',
          node: 'n5',
          edge: 'e1',
        },
      ]);
    });

    it('names an output other than "output", and an input of a node that has none', () => {
      const graph = clone(demoWorkflow.graph);
      graph.edges[1].fromPort = 'text';
      graph.nodes.push({ id: 'n7', type: 'Script.Generate', params: { prompt: 'p' } });
      graph.edges.push({ id: 'e6', from: 'n1', to: 'n7', toPort: 'footage' });
      expect(problemsOf(graph)).toEqual([
        {
          code: 'GRAPH_EDGE_PORT_UNKNOWN',
          message: 'Edge e2 names output "text", but n2 (Script.Generate) has only output "output"',
          path: 'edges[1].fromPort',
          node: 'n2',
          edge: 'e2',
        },
        {
          code: 'GRAPH_EDGE_PORT_UNKNOWN',
          message: 'Edge e6 names input "footage", but n7 (Script.Generate) has no inputs',
          path: 'edges[5].toPort',
          node: 'n7',
          edge: 'e6',
        },
      ]);
    });
  });

  describe('GRAPH_PORT_INCOMPATIBLE', () => {
    it('names the kinds when an edge goes into an input of another kind', () => {
      const graph = clone(demoWorkflow.graph);
      graph.edges[0].toPort = 'captions';
      // The footage input left empty is this edge's doing, so it is not reported on its own.
      expect(problemsOf(graph)).toEqual([
        {
          code: 'GRAPH_PORT_INCOMPATIBLE',
          message: 'Edge e1 carries footage from n1 (Input.Stock), but input "captions" of n5 (Edit.Timeline) takes captions',
          path: 'edges[0].toPort',
          node: 'n5',
          edge: 'e1',
        },
      ]);
    });

    it('names what the target takes when an edge without toPort finds no input of its kind', () => {
      const graph = clone(demoWorkflow.graph);
      graph.edges.push({ id: 'e6', from: 'n2', to: 'n6' }, { id: 'e7', from: 'n1', to: 'n2' }, { id: 'e8', from: 'n3', to: 'n5' });
      expect(problemsOf(graph)).toEqual([
        {
          code: 'GRAPH_PORT_INCOMPATIBLE',
          message: 'Edge e6 carries script from n2 (Script.Generate), but n6 (Output.Render) takes only timeline',
          path: 'edges[5]',
          node: 'n6',
          edge: 'e6',
        },
        {
          code: 'GRAPH_PORT_INCOMPATIBLE',
          message: 'Edge e7 carries footage from n1 (Input.Stock), but n2 (Script.Generate) takes no input',
          path: 'edges[6]',
          node: 'n2',
          edge: 'e7',
        },
        {
          code: 'GRAPH_PORT_INCOMPATIBLE',
          message: 'Edge e8 carries speech from n3 (Voice.TTS), but n5 (Edit.Timeline) takes only footage and captions',
          path: 'edges[7]',
          node: 'n5',
          edge: 'e8',
        },
      ]);
    });
  });

  it('GRAPH_INPUT_FED_TWICE names the input and both edges, with or without toPort', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes.push({ id: 'n7', type: 'Script.Generate', params: { prompt: 'another' } }, { id: 'n8', type: 'Input.Stock', params: { query: 'more' } });
    graph.edges.push({ id: 'e6', from: 'n7', to: 'n3' }, { id: 'e7', from: 'n8', to: 'n5', toPort: 'footage' });
    expect(problemsOf(graph)).toEqual([
      {
        code: 'GRAPH_INPUT_FED_TWICE',
        message: 'Input "script" of n3 (Voice.TTS) is fed by edges e2 and e6; an input takes one edge',
        path: 'nodes[2].inputs.script',
        node: 'n3',
        edge: 'e6',
      },
      {
        code: 'GRAPH_INPUT_FED_TWICE',
        message: 'Input "footage" of n5 (Edit.Timeline) is fed by edges e1 and e7; an input takes one edge',
        path: 'nodes[4].inputs.footage',
        node: 'n5',
        edge: 'e7',
      },
    ]);
  });

  it('GRAPH_INPUT_UNCONNECTED names the node and the input, one problem each', () => {
    const graph = clone(demoWorkflow.graph);
    graph.edges.splice(3, 1);
    graph.edges.splice(0, 1);
    expect(problemsOf(graph)).toEqual([
      {
        code: 'GRAPH_INPUT_UNCONNECTED',
        message: 'Node n5 (Edit.Timeline) needs an edge into its input "footage", which takes footage',
        path: 'nodes[4].inputs.footage',
        node: 'n5',
      },
      {
        code: 'GRAPH_INPUT_UNCONNECTED',
        message: 'Node n5 (Edit.Timeline) needs an edge into its input "captions", which takes captions',
        path: 'nodes[4].inputs.captions',
        node: 'n5',
      },
    ]);
  });

  describe('GRAPH_CYCLE', () => {
    it('names the nodes and the edges of the loop', () => {
      const graph = withRewrites('r1', 'r2');
      graph.edges.push({ id: 'e6', from: 'r1', to: 'r2' }, { id: 'e7', from: 'r2', to: 'r1' });
      expect(problemsOf(graph, loopTestRegistry)).toEqual([
        { code: 'GRAPH_CYCLE', message: 'Workflow graph has a cycle: r1 → r2 → r1 (edges e6 and e7)', path: 'edges', node: 'r1' },
      ]);
    });

    it('names each separate loop once, starting at its node listed first, and not the nodes downstream of one', () => {
      const graph = withRewrites('r3', 'r4', 'r1', 'r2', 'r5');
      graph.edges.push(
        { id: 'e6', from: 'r2', to: 'r1' },
        { id: 'e7', from: 'r1', to: 'r2' },
        { from: 'r3', to: 'r3' },
        { id: 'e9', from: 'r1', to: 'r5' },
        { id: 'e10', from: 'r4', to: 'r4' },
      );
      expect(problemsOf(graph, loopTestRegistry)).toEqual([
        { code: 'GRAPH_CYCLE', message: 'Workflow graph has a cycle: r3 → r3 (edge edges[7])', path: 'edges', node: 'r3' },
        { code: 'GRAPH_CYCLE', message: 'Workflow graph has a cycle: r4 → r4 (edge e10)', path: 'edges', node: 'r4' },
        { code: 'GRAPH_CYCLE', message: 'Workflow graph has a cycle: r1 → r2 → r1 (edges e7 and e6)', path: 'edges', node: 'r1' },
      ]);
    });

    it('names the shortest loop through the node listed first when loops share nodes', () => {
      // m1 → r1 → m1 and m1 → r1 → r2 → m1 are one component: the shorter loop is named.
      const graph = clone(demoWorkflow.graph);
      graph.nodes.push({ id: 'm1', type: 'Script.Merge', params: {} }, ...['r1', 'r2'].map((id) => ({ id, type: 'Script.Rewrite', params: {} })));
      graph.edges.push(
        { id: 'a', from: 'm1', to: 'r1', fromPort: 'output' },
        { id: 'b', from: 'r1', to: 'r2' },
        { id: 'c', from: 'r2', to: 'm1', toPort: 'second' },
        { id: 'd', from: 'r1', to: 'm1' },
      );
      expect(problemsOf(graph, loopTestRegistry)).toEqual([
        { code: 'GRAPH_CYCLE', message: 'Workflow graph has a cycle: m1 → r1 → m1 (edges a and d)', path: 'edges', node: 'm1' },
      ]);
    });

    it('is not looked for when an edge goes nowhere', () => {
      const graph = withRewrites('r1', 'r2');
      graph.edges.push({ id: 'e6', from: 'r1', to: 'r2' }, { id: 'e7', from: 'r2', to: 'r1' }, { id: 'e8', from: 'r2', to: 'r9' });
      expect(problemsOf(graph, loopTestRegistry)).toEqual([
        { code: 'GRAPH_EDGE_NODE_MISSING', message: 'Edge e8 refers to node "r9", which is not in the graph', path: 'edges[7].to', edge: 'e8' },
      ]);
    });
  });

  it('GRAPH_NO_OUTPUT when nothing renders', () => {
    const graph = { nodes: [{ id: 'n2', type: 'Script.Generate', params: { prompt: 'x' } }], edges: [] };
    expect(problemsOf(graph)).toEqual([{ code: 'GRAPH_NO_OUTPUT', message: 'Workflow graph has no output node (one of: Output.Render)', path: 'nodes' }]);
  });

  it('lists every problem in one pass, and the thrown error carries the first one', () => {
    const graph = clone(demoWorkflow.graph);
    graph.nodes[0].type = 'Input.Nowhere';
    graph.nodes[2].params.speed = 'fast';
    graph.edges[3].toPort = 'subtitles';
    graph.edges.push({ id: 'e6', from: 'n3', to: 'n99' });
    let caught: any;
    try {
      validateGraph(graph, graphTestRegistry);
    } catch (error) {
      caught = error;
    }
    expect(caught.code).toBe('GRAPH_NODE_TYPE_UNKNOWN');
    expect(caught.status).toBe(400);
    expect(caught.message).toBe('Node n1 has unknown type "Input.Nowhere"');
    expect(caught.details.problems).toEqual([
      { code: 'GRAPH_NODE_TYPE_UNKNOWN', message: 'Node n1 has unknown type "Input.Nowhere"', path: 'nodes[0].type', node: 'n1' },
      {
        code: 'NODE_PARAM_INVALID',
        message: 'Node n3 (Voice.TTS) has invalid params at params.speed: Invalid input: expected number, received string',
        path: 'nodes[2].params.speed',
        node: 'n3',
      },
      {
        code: 'GRAPH_EDGE_PORT_UNKNOWN',
        message: 'Edge e4 names input "subtitles", but n5 (Edit.Timeline) has inputs "footage" and "captions"',
        path: 'edges[3].toPort',
        node: 'n5',
        edge: 'e4',
      },
      { code: 'GRAPH_EDGE_NODE_MISSING', message: 'Edge e6 refers to node "n99", which is not in the graph', path: 'edges[5].to', edge: 'e6' },
    ]);
    // What the API sends: plain JSON.
    expect(JSON.parse(JSON.stringify(caught.details))).toEqual(caught.details);
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
      {
        code: 'GRAPH_NODE_UNUSED',
        message: 'Node extra (Script.Generate) does not lead to an output node; connect it or remove it',
        path: 'nodes[6]',
        node: 'extra',
      },
      {
        code: 'GRAPH_NODE_UNUSED',
        message: 'Node voice2 (Voice.TTS) does not lead to an output node; connect it or remove it',
        path: 'nodes[7]',
        node: 'voice2',
      },
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
