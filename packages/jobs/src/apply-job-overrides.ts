import { FentaError } from '@fenta/core';
import { validateGraph, type ExecutionPlan, type NodeDefinitionRegistry } from '@fenta/graph';

/**
 * What a job may change of the graph it runs without editing it: the
 * template of every node that takes one (`template_id`, Edit.Timeline's) and
 * the profile of its output node. The changed graph is validated again, so
 * an override is held to the same params schema as the graph itself.
 */
export function applyJobOverrides(
  plan: ExecutionPlan,
  registry: NodeDefinitionRegistry,
  overrides: { templateId?: string; outputProfile?: string },
): ExecutionPlan {
  const { templateId, outputProfile } = overrides;
  if (templateId === undefined && outputProfile === undefined) return plan;
  const outputTypes = new Set(registry.outputTypes());
  let templated = 0;
  const nodes = plan.graph.nodes.map((node) => {
    let params = node.params;
    if (templateId !== undefined && takesParam(registry, node.type, 'template_id')) {
      params = { ...params, template_id: templateId };
      templated++;
    }
    if (outputProfile !== undefined && outputTypes.has(node.type)) params = { ...params, profile: outputProfile };
    return params === node.params ? node : { ...node, params };
  });
  if (templateId !== undefined && templated === 0) {
    throw new FentaError(
      'REQUEST_INVALID',
      { reason: 'template_id: no node of the graph takes a template' },
      { details: { problems: [{ path: 'template_id', message: 'no node of the graph takes a template' }] } },
    );
  }
  return validateGraph({ ...plan.graph, nodes }, registry);
}

/** Whether the node type's params schema (an object schema) has the key. */
function takesParam(registry: NodeDefinitionRegistry, type: string, key: string): boolean {
  const shape = (registry.get(type)?.params as { shape?: unknown } | undefined)?.shape;
  return typeof shape === 'object' && shape !== null && key in shape;
}
