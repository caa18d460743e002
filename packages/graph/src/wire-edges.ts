import type { GraphProblemList } from './graph-problems';
import type { NodeDefinition, PortKind } from './node-definition';
import type { WiredEdge } from './topological-order';
import type { GraphNode, WorkflowGraph } from './workflow-graph';
import { wordList } from './word-list';

/** A node of the graph by its id: where it is listed and its type's definition, if the type is known. */
export interface PlacedNode {
  index: number;
  node: GraphNode;
  definition: NodeDefinition | undefined;
}

/** What the edges joined, and what they left unsure. */
export interface Wiring {
  /** For each node, which upstream node feeds each of its input ports. */
  inputs: Record<string, Record<string, string>>;
  /** The edges that joined two ports; the ones the order and the cycle check follow. */
  wired: WiredEdge[];
  /** Some edge starts or ends at a node that is not in the graph. */
  dangling: boolean;
  /**
   * Inputs an edge was meant to feed but did not (its other end is missing or
   * of an unknown type, or the edge itself is wrong): `every` when which input
   * cannot be told. Their being unconnected is not reported, since the edge's
   * own problem already is and fixing it connects them.
   */
  unsure: Map<string, Set<string> | 'every'>;
}

/**
 * Checks each edge and joins the ports it names. An edge's problems are its
 * own (a missing end, an unknown port, a kind mismatch, an input already fed);
 * an edge touching a node whose id is used twice or whose type is unknown is
 * not checked further, as that node's problem is reported already.
 */
export function wireEdges(graph: WorkflowGraph, nodes: Map<string, PlacedNode>, duplicated: Set<string>, problems: GraphProblemList): Wiring {
  const inputs: Record<string, Record<string, string>> = Object.fromEntries(graph.nodes.map((node) => [node.id, {}]));
  const fedBy = new Map<string, string>();
  const wiring: Wiring = { inputs, wired: [], dangling: false, unsure: new Map() };
  const markUnsure = (node: string, port: string | undefined) => {
    const known = wiring.unsure.get(node);
    if (port === undefined) wiring.unsure.set(node, 'every');
    else if (known === undefined) wiring.unsure.set(node, new Set([port]));
    else if (known !== 'every') known.add(port);
  };

  graph.edges.forEach((edge, index) => {
    const name = edge.id ?? `edges[${index}]`;
    const at = `edges[${index}]`;
    const from = nodes.get(edge.from);
    const to = nodes.get(edge.to);
    for (const [end, placed] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (placed) continue;
      problems.add('GRAPH_EDGE_NODE_MISSING', { edge: name, node: edge[end] }, `${at}.${end}`, { edge: name });
      wiring.dangling = true;
    }
    if (!to || duplicated.has(to.node.id) || !to.definition) return;
    const toType = to.definition;
    if (!from || duplicated.has(from.node.id) || !from.definition) {
      markUnsure(to.node.id, intendedInput(edge.toPort, toType, undefined));
      return;
    }
    const kind = from.definition.output;

    const portUnknown = (direction: 'input' | 'output', port: string, placed: PlacedNode, ports: string) =>
      problems.add(
        'GRAPH_EDGE_PORT_UNKNOWN',
        { edge: name, direction, port, node: placed.node.id, type: placed.node.type, ports },
        `${at}.${direction === 'input' ? 'toPort' : 'fromPort'}`,
        { node: placed.node.id, edge: name },
      );
    let broken = false;
    if (edge.fromPort !== undefined && edge.fromPort !== 'output') {
      portUnknown('output', edge.fromPort, from, 'only output "output"');
      broken = true;
    }
    if (edge.toPort !== undefined && !toType.inputs[edge.toPort]) {
      portUnknown('input', edge.toPort, to, describePorts(Object.keys(toType.inputs)));
      broken = true;
    }
    if (broken) {
      markUnsure(to.node.id, intendedInput(edge.toPort, toType, kind));
      return;
    }

    const port = edge.toPort ?? autoInput(toType, kind, inputs[to.node.id]!);
    const spec = port === undefined ? undefined : toType.inputs[port];
    if (port === undefined || spec === undefined || spec.kind !== kind) {
      problems.add(
        'GRAPH_PORT_INCOMPATIBLE',
        {
          edge: name,
          kind,
          from: `${from.node.id} (${from.node.type})`,
          to: port === undefined ? `${to.node.id} (${to.node.type})` : `input "${port}" of ${to.node.id} (${to.node.type})`,
          takes: spec ? spec.kind : describeKinds(toType),
        },
        port === undefined ? at : `${at}.toPort`,
        { node: to.node.id, edge: name },
      );
      // Whether it was meant for the input it names or for one of its own kind cannot be told.
      markUnsure(to.node.id, undefined);
      return;
    }
    const first = fedBy.get(`${to.node.id}\u0000${port}`);
    if (first !== undefined) {
      problems.add('GRAPH_INPUT_FED_TWICE', { port, node: to.node.id, type: to.node.type, first, second: name }, `nodes[${to.index}].inputs.${port}`, {
        node: to.node.id,
        edge: name,
      });
      return;
    }
    fedBy.set(`${to.node.id}\u0000${port}`, name);
    inputs[to.node.id]![port] = from.node.id;
    wiring.wired.push({ from: from.node.id, to: to.node.id, name });
  });
  return wiring;
}

/**
 * The input an edge without `toPort` goes to: the first free one of its kind,
 * else the first of its kind (which is then fed twice), else none.
 */
function autoInput(definition: NodeDefinition, kind: PortKind, fed: Record<string, string>): string | undefined {
  const ofKind = Object.entries(definition.inputs).filter(([, spec]) => spec.kind === kind);
  return (ofKind.find(([port]) => !fed[port]) ?? ofKind[0])?.[0];
}

/** The input a broken edge was meant for, when it can be told; undefined when it cannot. */
function intendedInput(toPort: string | undefined, definition: NodeDefinition, kind: PortKind | undefined): string | undefined {
  if (toPort !== undefined) return definition.inputs[toPort] ? toPort : undefined;
  if (kind === undefined) return undefined;
  return Object.entries(definition.inputs).find(([, spec]) => spec.kind === kind)?.[0];
}

function describePorts(ports: string[]): string {
  if (ports.length === 0) return 'no inputs';
  const quoted = ports.map((port) => `"${port}"`);
  return ports.length === 1 ? `only input ${quoted[0]!}` : `inputs ${wordList(quoted)}`;
}

/** What a node takes on its inputs, for an edge that found no input of its kind. */
function describeKinds(definition: NodeDefinition): string {
  const kinds = [...new Set(Object.values(definition.inputs).map((spec) => spec.kind))];
  return kinds.length === 0 ? 'no input' : `only ${wordList(kinds)}`;
}
