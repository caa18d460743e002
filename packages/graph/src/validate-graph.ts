import { isNodeId, quoteId } from '@fenta/core';
import { graphLimits } from './graph-limits';
import { GraphProblemList } from './graph-problems';
import type { NodeDefinitionRegistry } from './node-definition-registry';
import { topologicalOrder } from './topological-order';
import { wireEdges, type PlacedNode } from './wire-edges';
import { wordList } from './word-list';
import { formatPath, workflowGraphSchema, type WorkflowGraph } from './workflow-graph';

/** A validated graph and the order to run it in. */
export interface ExecutionPlan {
  graph: WorkflowGraph;
  /** Node ids in a topological order (ties keep the graph's order). */
  order: string[];
  /** For each node, which upstream node feeds each of its input ports. */
  inputs: Record<string, Record<string, string>>;
  /** Params after the type's schema applied its defaults. */
  params: Record<string, unknown>;
  /** Node ids whose type produces the finished video. */
  outputs: string[];
}

/**
 * Checks a graph against the node registry before anything runs, and lists
 * every problem found in the error's details, one entry each with its own
 * code; the error's own code and message are those of the first. A size, a
 * shape or an id outside the grammar stops the check early, as every later
 * message would carry them. After that everything is checked in one pass,
 * except what would only repeat a problem already listed: the ports of a node
 * whose type is unknown or whose id is used twice, an input whose edge is
 * itself wrong, the loops of a graph whose edges cannot all be placed.
 */
export function validateGraph(input: unknown, registry: NodeDefinitionRegistry): ExecutionPlan {
  const problems = new GraphProblemList();

  // Counted before parsing, so an enormous graph costs nothing to refuse.
  for (const what of ['nodes', 'edges'] as const) {
    const list = (input as Record<string, unknown> | null | undefined)?.[what];
    if (Array.isArray(list) && list.length > graphLimits[what]) problems.add('GRAPH_TOO_LARGE', { count: list.length, what, limit: graphLimits[what] }, what);
  }
  if (problems.size > 0) throw problems.toError();

  const parsed = workflowGraphSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = formatPath(issue.path) || 'graph';
      problems.add('GRAPH_SHAPE_INVALID', { path, reason: issue.message }, path);
    }
    throw problems.toError();
  }
  const graph = parsed.data;

  graph.nodes.forEach((node, index) => {
    if (!isNodeId(node.id)) problems.add('GRAPH_ID_INVALID', { kind: 'Node', id: quoteId(node.id) }, `nodes[${index}].id`);
  });
  graph.edges.forEach((edge, index) => {
    if (edge.id !== undefined && !isNodeId(edge.id)) problems.add('GRAPH_ID_INVALID', { kind: 'Edge', id: quoteId(edge.id) }, `edges[${index}].id`);
  });
  if (problems.size > 0) throw problems.toError();

  const nodes = new Map<string, PlacedNode>();
  const duplicated = new Set<string>();
  let unknownType = false;
  const params: Record<string, unknown> = {};
  graph.nodes.forEach((node, index) => {
    const first = nodes.get(node.id);
    if (first) {
      duplicated.add(node.id);
      problems.add('GRAPH_NODE_DUPLICATE', { node: node.id, first: first.index, second: index }, `nodes[${index}].id`, { node: node.id });
    }
    const definition = registry.get(node.type);
    if (!first) nodes.set(node.id, { index, node, definition });
    if (!definition) {
      unknownType = true;
      problems.add('GRAPH_NODE_TYPE_UNKNOWN', { node: node.id, type: node.type }, `nodes[${index}].type`, { node: node.id });
      return;
    }
    const result = definition.params.safeParse(node.params);
    if (result.success) {
      params[node.id] = result.data;
      return;
    }
    for (const issue of result.error.issues) {
      problems.add(
        'NODE_PARAM_INVALID',
        { node: node.id, type: node.type, path: formatPath(['params', ...issue.path]), reason: issue.message },
        formatPath([`nodes[${index}]`, 'params', ...issue.path]),
        { node: node.id },
      );
    }
  });

  const { inputs, wired, dangling, unsure } = wireEdges(graph, nodes, duplicated, problems);

  graph.nodes.forEach((node, index) => {
    const definition = registry.get(node.type);
    const skip = unsure.get(node.id);
    if (!definition || duplicated.has(node.id) || skip === 'every') return;
    for (const [port, spec] of Object.entries(definition.inputs)) {
      if (spec.optional || inputs[node.id]![port] || skip?.has(port)) continue;
      problems.add('GRAPH_INPUT_UNCONNECTED', { node: node.id, type: node.type, port, kind: spec.kind }, `nodes[${index}].inputs.${port}`, { node: node.id });
    }
  });

  // With an id used twice or an edge to nowhere, which edges make a loop cannot be told.
  const order = duplicated.size > 0 || dangling ? undefined : topologicalOrder([...nodes.keys()], wired);
  if (order && !order.ok) {
    for (const cycle of order.cycles) {
      problems.add(
        'GRAPH_CYCLE',
        { cycle: [...cycle.nodes, cycle.nodes[0]!].join(' → '), edges: `${cycle.edges.length === 1 ? 'edge' : 'edges'} ${wordList(cycle.edges)}` },
        'edges',
        { node: cycle.nodes[0]! },
      );
    }
  }

  const outputTypes = registry.outputTypes();
  const outputs = graph.nodes.filter((node) => outputTypes.includes(node.type)).map((node) => node.id);
  // A node of unknown type may be the output meant (a misspelt Output.Render): its own problem says enough.
  if (outputs.length === 0 && !unknownType) problems.add('GRAPH_NO_OUTPUT', { types: outputTypes.join(', ') }, 'nodes');
  // A job ends with one render (one renders row, one result): a second output would be rendered and billed for nothing.
  else if (outputs.length > 1) problems.add('GRAPH_OUTPUT_DUPLICATE', { count: outputs.length, nodes: outputs.join(', ') }, 'nodes');
  else if (problems.size === 0) {
    // Only on an otherwise valid graph: an unknown type or an unwired edge would make its upstream look unused.
    const used = leadingTo(outputs, inputs);
    graph.nodes.forEach((node, index) => {
      if (!used.has(node.id)) problems.add('GRAPH_NODE_UNUSED', { node: node.id, type: node.type }, `nodes[${index}]`, { node: node.id });
    });
  }

  if (problems.size > 0 || !order?.ok) throw problems.toError();
  return { graph, order: order.order, inputs, params, outputs };
}

/** The nodes on some path into one of `outputs`, the outputs included. */
function leadingTo(outputs: string[], inputs: Record<string, Record<string, string>>): Set<string> {
  const used = new Set<string>();
  const pending = [...outputs];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (used.has(id)) continue;
    used.add(id);
    pending.push(...Object.values(inputs[id] ?? {}));
  }
  return used;
}
