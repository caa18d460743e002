/** An edge that joined two ports, as the order sees it: its ends and the name messages use for it. */
export interface WiredEdge {
  from: string;
  to: string;
  name: string;
}

/** One loop: its nodes in edge order (the first is the one listed first in the graph) and the edges between them. */
export interface Cycle {
  nodes: string[];
  edges: string[];
}

export type Order = { ok: true; order: string[] } | { ok: false; cycles: Cycle[] };

/**
 * Kahn's algorithm, taking ready nodes in graph order so ties keep it. When
 * nodes are left over, each loop among them is named once: one cycle per
 * strongly connected component, so two separate loops are two problems and a
 * node that merely sits downstream of a loop is in none. `ids` must be unique.
 */
export function topologicalOrder(ids: string[], edges: WiredEdge[]): Order {
  const downstream = new Map(ids.map((id) => [id, [] as WiredEdge[]]));
  const indegree = new Map(ids.map((id) => [id, 0]));
  for (const edge of edges) {
    downstream.get(edge.from)!.push(edge);
    indegree.set(edge.to, indegree.get(edge.to)! + 1);
  }
  const order: string[] = [];
  const done = new Set<string>();
  while (order.length < ids.length) {
    const next = ids.find((id) => !done.has(id) && indegree.get(id) === 0);
    if (next === undefined) break;
    done.add(next);
    order.push(next);
    for (const edge of downstream.get(next)!) indegree.set(edge.to, indegree.get(edge.to)! - 1);
  }
  if (order.length === ids.length) return { ok: true, order };

  const position = new Map(ids.map((id, index) => [id, index]));
  const firstListed = (nodes: string[]) => nodes.reduce((first, id) => (position.get(id)! < position.get(first)! ? id : first));
  const left = ids.filter((id) => !done.has(id));
  const cycles: Cycle[] = [];
  for (const component of stronglyConnected(left, downstream)) {
    const cycle = shortestCycleThrough(firstListed(component), component, downstream);
    if (cycle) cycles.push(cycle);
  }
  cycles.sort((a, b) => position.get(a.nodes[0]!)! - position.get(b.nodes[0]!)!);
  return { ok: false, cycles };
}

/** Tarjan's strongly connected components of `nodes`, following only edges between them. */
function stronglyConnected(nodes: string[], downstream: Map<string, WiredEdge[]>): string[][] {
  const members = new Set(nodes);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  // Recursion is bounded by graphLimits.nodes.
  const visit = (id: string) => {
    index.set(id, index.size);
    low.set(id, index.get(id)!);
    stack.push(id);
    onStack.add(id);
    for (const { to } of downstream.get(id)!) {
      if (!members.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(id, Math.min(low.get(id)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(id, Math.min(low.get(id)!, index.get(to)!));
      }
    }
    if (low.get(id) !== index.get(id)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== id);
    components.push(component);
  };
  for (const id of nodes) if (!index.has(id)) visit(id);
  return components;
}

/**
 * The shortest loop from `start` back to itself inside `component` (breadth
 * first), so the message names a loop a person can see, not a tour of the
 * whole component. A one-node component without an edge to itself has none.
 */
function shortestCycleThrough(start: string, component: string[], downstream: Map<string, WiredEdge[]>): Cycle | undefined {
  const members = new Set(component);
  const reachedBy = new Map<string, WiredEdge>();
  const queue = [start];
  for (let at = 0; at < queue.length; at++) {
    const id = queue[at]!;
    for (const edge of downstream.get(id)!) {
      if (!members.has(edge.to)) continue;
      if (edge.to === start) {
        const path = [edge];
        for (let back = id; back !== start; back = path[0]!.from) path.unshift(reachedBy.get(back)!);
        return { nodes: path.map((step) => step.from), edges: path.map((step) => step.name) };
      }
      if (!reachedBy.has(edge.to)) {
        reachedBy.set(edge.to, edge);
        queue.push(edge.to);
      }
    }
  }
  return undefined;
}
