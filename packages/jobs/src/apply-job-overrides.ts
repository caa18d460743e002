import { FentaError } from '@fenta/core';
import { validateGraph, type ExecutionPlan, type NodeDefinitionRegistry } from '@fenta/graph';

/** What a job request may change of the graph it runs. */
export interface JobOverrides {
  /** Every node that takes a template (`template_id`, Edit.Timeline's) uses this one. */
  templateId?: string;
  /** The output node's profile. */
  outputProfile?: string;
  /** The output node's further profiles (Output.Render's `profiles`). */
  outputProfiles?: string[];
  /** Whether the output node renders a preview first (Output.Render's `preview`). */
  preview?: boolean;
}

/**
 * What a job may change of the graph it runs without editing it: the
 * template of every node that takes one, and the profile, further profiles
 * and preview of its output node. The changed graph is validated again, so
 * an override is held to the same params schema as the graph itself; an
 * override no node of the graph takes is REQUEST_INVALID at its field.
 */
export function applyJobOverrides(plan: ExecutionPlan, registry: NodeDefinitionRegistry, overrides: JobOverrides): ExecutionPlan {
  const outputTypes = new Set(registry.outputTypes());
  const isOutput = (type: string) => outputTypes.has(type);
  const fields = [
    { field: 'template_id', param: 'template_id', value: overrides.templateId, applies: () => true },
    { field: 'output_profile', param: 'profile', value: overrides.outputProfile, applies: isOutput },
    { field: 'output_profiles', param: 'profiles', value: overrides.outputProfiles, applies: isOutput },
    { field: 'preview', param: 'preview', value: overrides.preview, applies: isOutput },
  ].filter((o) => o.value !== undefined);
  if (fields.length === 0) return plan;
  const taken = new Set<string>();
  const nodes = plan.graph.nodes.map((node) => {
    let params = node.params;
    for (const o of fields) {
      if (!o.applies(node.type)) continue;
      // The output profile was always set on the output node whatever its type; the newer fields only where the type takes them.
      if (o.field !== 'output_profile' && !takesParam(registry, node.type, o.param)) continue;
      params = { ...params, [o.param]: o.value };
      taken.add(o.field);
    }
    return params === node.params ? node : { ...node, params };
  });
  const untaken = fields.filter((o) => o.field !== 'output_profile' && !taken.has(o.field));
  if (untaken.length > 0) {
    const problems = untaken.map((o) => ({
      path: o.field,
      message: o.field === 'template_id' ? 'no node of the graph takes a template' : `the graph's output node takes no ${o.param}`,
    }));
    throw new FentaError('REQUEST_INVALID', { reason: problems.map((p) => `${p.path}: ${p.message}`).join('; ') }, { details: { problems } });
  }
  return validateGraph({ ...plan.graph, nodes }, registry);
}

/** Whether the node type's params schema (an object schema) has the key. */
function takesParam(registry: NodeDefinitionRegistry, type: string, key: string): boolean {
  const shape = (registry.get(type)?.params as { shape?: unknown } | undefined)?.shape;
  return typeof shape === 'object' && shape !== null && key in shape;
}
