import { createHash } from 'node:crypto';
import type { ExecutionPlan } from '@fenta/graph';
import type { JobConfig } from './job-config';

/** A job's graph as the executor runs it, with what every node also reads: the job's variables and templates. */
export interface PlannedJob {
  plan: ExecutionPlan;
  config: Pick<JobConfig, 'variables' | 'templates'>;
}

/**
 * The nodes a retry may start from copies of its parent's checkpoints: those
 * the parent completed whose type, params (with the defaults applied now)
 * and upstream nodes are unchanged, all the way up, and run with the same
 * variables and templates. A node whose upstream is not reused is not
 * either: it would be fed outputs other than those it was made from.
 */
export function reusableCheckpoints(parent: PlannedJob, completed: ReadonlySet<string>, child: PlannedJob): string[] {
  const parentPrints = fingerprints(parent);
  const childPrints = fingerprints(child);
  const reusable = new Set<string>();
  for (const nodeId of child.plan.order) {
    const upstream = Object.values(child.plan.inputs[nodeId] ?? {});
    if (completed.has(nodeId) && parentPrints.get(nodeId) === childPrints.get(nodeId) && upstream.every((id) => reusable.has(id))) reusable.add(nodeId);
  }
  return [...reusable];
}

/** Each node's fingerprint: a hash of its type, params, the fingerprints feeding each of its ports, and the job's variables and templates. */
function fingerprints({ plan, config }: PlannedJob): Map<string, string> {
  const types = new Map(plan.graph.nodes.map((node) => [node.id, node.type]));
  const shared = canonicalJson({ variables: config.variables, templates: config.templates });
  const prints = new Map<string, string>();
  for (const nodeId of plan.order) {
    const inputs = Object.fromEntries(Object.entries(plan.inputs[nodeId] ?? {}).map(([port, upstream]) => [port, prints.get(upstream)]));
    const text = canonicalJson({ type: types.get(nodeId), params: plan.params[nodeId] ?? null, inputs, shared });
    prints.set(nodeId, createHash('sha256').update(text).digest('hex'));
  }
  return prints;
}

/** JSON with object keys sorted, so the same data always reads the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
