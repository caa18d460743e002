import { FentaError, isNodeId, quoteId, type ErrorCode, type ErrorParams } from '@fenta/core';
import { graphLimits } from './graph-limits';
import type { NodeDefinitionRegistry } from './node-definition-registry';
import { formatPath, workflowGraphSchema, type WorkflowGraph } from './workflow-graph';

/** One thing wrong with a graph, with the path of the problem (`nodes[2].params.speed`). */
export interface GraphProblem {
  code: ErrorCode;
  message: string;
  path: string;
  node?: string;
  edge?: string;
}

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
 * Checks a graph against the node registry before anything runs. Every
 * problem found is listed in the error's details; the error's own code and
 * message are those of the first. Ids that break the id grammar stop the
 * check early: every later message would carry them.
 */
export function validateGraph(input: unknown, registry: NodeDefinitionRegistry): ExecutionPlan {
  const problems: Array<GraphProblem & { params: ErrorParams }> = [];
  const add = (code: ErrorCode, params: ErrorParams, path: string, extra: { node?: string; edge?: string } = {}) =>
    problems.push({ code, params, message: new FentaError(code, params).message, path, ...extra });

  // Counted before parsing, so an enormous graph costs nothing to refuse.
  for (const what of ['nodes', 'edges'] as const) {
    const list = (input as Record<string, unknown> | null | undefined)?.[what];
    if (Array.isArray(list) && list.length > graphLimits[what]) add('GRAPH_TOO_LARGE', { count: list.length, what, limit: graphLimits[what] }, what);
  }
  if (problems.length > 0) throw toError(problems);

  const parsed = workflowGraphSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = formatPath(issue.path) || 'graph';
      add('GRAPH_SHAPE_INVALID', { path, reason: issue.message }, path);
    }
    throw toError(problems);
  }
  const graph = parsed.data;

  graph.nodes.forEach((node, index) => {
    if (!isNodeId(node.id)) add('GRAPH_ID_INVALID', { kind: 'Node', id: quoteId(node.id) }, `nodes[${index}].id`);
  });
  graph.edges.forEach((edge, index) => {
    if (edge.id !== undefined && !isNodeId(edge.id)) add('GRAPH_ID_INVALID', { kind: 'Edge', id: quoteId(edge.id) }, `edges[${index}].id`);
  });
  if (problems.length > 0) throw toError(problems);

  const nodeIndex = new Map<string, number>();
  graph.nodes.forEach((node, index) => {
    if (nodeIndex.has(node.id)) add('GRAPH_NODE_DUPLICATE', { node: node.id }, `nodes[${index}].id`, { node: node.id });
    else nodeIndex.set(node.id, index);
  });

  const params: Record<string, unknown> = {};
  graph.nodes.forEach((node, index) => {
    const nodeType = registry.get(node.type);
    if (!nodeType) {
      add('GRAPH_NODE_TYPE_UNKNOWN', { node: node.id, type: node.type }, `nodes[${index}].type`, { node: node.id });
      return;
    }
    const result = nodeType.params.safeParse(node.params);
    if (result.success) {
      params[node.id] = result.data;
      return;
    }
    for (const issue of result.error.issues) {
      const path = formatPath([`nodes[${index}]`, 'params', ...issue.path]);
      add('NODE_PARAM_INVALID', { node: node.id, type: node.type, path: formatPath(['params', ...issue.path]), reason: issue.message }, path, {
        node: node.id,
      });
    }
  });

  const inputs: Record<string, Record<string, string>> = Object.fromEntries(graph.nodes.map((node) => [node.id, {}]));
  const downstream = new Map<string, string[]>(graph.nodes.map((node) => [node.id, []]));
  const unresolved = new Set<string>();
  graph.edges.forEach((edge, index) => {
    const name = edge.id ?? `edges[${index}]`;
    const from = nodeIndex.has(edge.from) ? graph.nodes[nodeIndex.get(edge.from)!]! : undefined;
    const to = nodeIndex.has(edge.to) ? graph.nodes[nodeIndex.get(edge.to)!]! : undefined;
    if (!from) add('GRAPH_EDGE_NODE_MISSING', { edge: name, node: edge.from }, `edges[${index}].from`, { edge: name });
    if (!to) add('GRAPH_EDGE_NODE_MISSING', { edge: name, node: edge.to }, `edges[${index}].to`, { edge: name });
    if (!from || !to) return;
    const fromType = registry.get(from.type);
    const toType = registry.get(to.type);
    if (!fromType || !toType) {
      // Already reported as an unknown type; do not also report the target's inputs as unfed.
      unresolved.add(to.id);
      return;
    }
    const incompatible = (reason: string, path: string) =>
      add('GRAPH_PORT_INCOMPATIBLE', { edge: name, from: `${from.id}.${edge.fromPort ?? 'output'}`, to: `${to.id}.${edge.toPort ?? '?'}`, reason }, path, {
        edge: name,
      });

    if (edge.fromPort !== undefined && edge.fromPort !== 'output') {
      incompatible(`${from.type} has one output port, "output"`, `edges[${index}].fromPort`);
      return;
    }
    let port = edge.toPort;
    if (port !== undefined) {
      const spec = toType.inputs[port];
      if (!spec) {
        incompatible(`${to.type} has no input "${port}" (inputs: ${Object.keys(toType.inputs).join(', ') || 'none'})`, `edges[${index}].toPort`);
        return;
      }
      if (spec.kind !== fromType.output) {
        incompatible(`${from.type} outputs ${fromType.output} but input "${port}" takes ${spec.kind}`, `edges[${index}].toPort`);
        return;
      }
    } else {
      port = Object.entries(toType.inputs).find(([candidate, spec]) => spec.kind === fromType.output && !inputs[to.id]![candidate])?.[0];
      if (!port) {
        const taken = Object.values(toType.inputs).some((spec) => spec.kind === fromType.output);
        incompatible(
          taken
            ? `every ${fromType.output} input of ${to.type} is already connected`
            : `${to.type} takes no ${fromType.output} input (inputs: ${describeInputs(toType.inputs)})`,
          `edges[${index}]`,
        );
        return;
      }
    }
    if (inputs[to.id]![port]) {
      incompatible(`input "${port}" is already fed by ${inputs[to.id]![port]}`, `edges[${index}].toPort`);
      return;
    }
    inputs[to.id]![port] = from.id;
    downstream.get(from.id)!.push(to.id);
  });

  graph.nodes.forEach((node, index) => {
    const nodeType = registry.get(node.type);
    if (!nodeType || unresolved.has(node.id)) return;
    for (const [port, spec] of Object.entries(nodeType.inputs)) {
      if (!spec.optional && !inputs[node.id]![port]) {
        add(
          'GRAPH_PORT_INCOMPATIBLE',
          { edge: '(none)', from: '(nothing)', to: `${node.id}.${port}`, reason: `required ${spec.kind} input is not connected` },
          `nodes[${index}]`,
          { node: node.id },
        );
      }
    }
  });

  const order = topologicalOrder(
    graph.nodes.map((node) => node.id),
    downstream,
  );
  if (!order.ok) add('GRAPH_CYCLE', { cycle: order.cycle.join(' → ') }, 'edges', { node: order.cycle[0] });

  const outputTypes = registry.outputTypes();
  const outputs = graph.nodes.filter((node) => outputTypes.includes(node.type)).map((node) => node.id);
  if (outputs.length === 0) add('GRAPH_NO_OUTPUT', { types: outputTypes.join(', ') }, 'nodes');
  // A job ends with one render (one renders row, one result): a second output would be rendered and billed for nothing.
  else if (outputs.length > 1) add('GRAPH_OUTPUT_DUPLICATE', { count: outputs.length, nodes: outputs.join(', ') }, 'nodes');
  else if (problems.length === 0) {
    // Only on an otherwise valid graph: an unknown type or an unwired edge would make its upstream look unused.
    const used = leadingTo(outputs, inputs);
    graph.nodes.forEach((node, index) => {
      if (!used.has(node.id)) add('GRAPH_NODE_UNUSED', { node: node.id, type: node.type }, `nodes[${index}]`, { node: node.id });
    });
  }

  if (problems.length > 0) throw toError(problems);
  return { graph, order: order.ok ? order.order : [], inputs, params, outputs };
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

function describeInputs(inputs: Record<string, { kind: string }>): string {
  const entries = Object.entries(inputs);
  return entries.length === 0 ? 'none' : entries.map(([name, spec]) => `${name}: ${spec.kind}`).join(', ');
}

function toError(problems: Array<GraphProblem & { params: ErrorParams }>): FentaError {
  const first = problems[0]!;
  const listed: GraphProblem[] = problems.map(({ params: _params, ...problem }) => problem);
  return new FentaError(first.code, first.params, { details: { problems: listed } });
}

type Order = { ok: true; order: string[] } | { ok: false; cycle: string[] };

/** Kahn's algorithm, taking ready nodes in graph order; on a cycle, walks it to name it. */
function topologicalOrder(ids: string[], downstream: Map<string, string[]>): Order {
  const indegree = new Map(ids.map((id) => [id, 0]));
  for (const targets of downstream.values()) for (const target of targets) indegree.set(target, (indegree.get(target) ?? 0) + 1);
  const order: string[] = [];
  const done = new Set<string>();
  while (order.length < ids.length) {
    const next = ids.find((id) => !done.has(id) && indegree.get(id) === 0);
    if (!next) break;
    done.add(next);
    order.push(next);
    for (const target of downstream.get(next) ?? []) indegree.set(target, indegree.get(target)! - 1);
  }
  if (order.length === ids.length) return { ok: true, order };
  // Every remaining node has an incoming edge from another remaining node: follow them back to a repeat.
  const remaining = ids.filter((id) => !done.has(id));
  const upstream = new Map<string, string>();
  for (const [from, targets] of downstream) for (const to of targets) if (!done.has(from) && !done.has(to)) upstream.set(to, from);
  const seen: string[] = [];
  let current = remaining[0]!;
  while (!seen.includes(current)) {
    seen.push(current);
    current = upstream.get(current)!;
  }
  const backwards = seen.slice(seen.indexOf(current)).reverse();
  // Start the loop at the node listed first in the graph, so the message is stable.
  const first = backwards.reduce((best, id) => (ids.indexOf(id) < ids.indexOf(best) ? id : best));
  const at = backwards.indexOf(first);
  const cycle = [...backwards.slice(at), ...backwards.slice(0, at)];
  return { ok: false, cycle: [...cycle, cycle[0]!] };
}
