import { builtInNodeDefinitionRegistry, validateGraph, type ExecutionPlan } from '@fenta/graph';

/**
 * Validates a graph against the built-in node definitions (the ones the
 * worker runs), throwing the first problem's code with every problem in
 * details.problems (node ids and paths into the graph). Returns the plan;
 * its `graph` is what is stored: the same graph with `params: {}` and
 * `edges: []` filled in where they were left out.
 */
export function checkWorkflowGraph(graph: unknown): ExecutionPlan {
  return validateGraph(graph, builtInNodeDefinitionRegistry);
}

/** The graph as stored: plain JSON, nothing of the parser left (no undefined fields). */
export function storedGraph(plan: ExecutionPlan): Record<string, unknown> {
  return JSON.parse(JSON.stringify(plan.graph)) as Record<string, unknown>;
}
