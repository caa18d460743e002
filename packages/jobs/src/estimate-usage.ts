import type { QuotaAmounts } from '@fenta/db';
import { scriptGenerateDefinition, scriptLength, type ExecutionPlan, type NodeDefinitionRegistry, type ScriptLengthParams } from '@fenta/graph';

/**
 * What job creation reserves against the quota, per node. Estimates, not
 * measurements: the reservation only holds room while the job runs; what
 * the job really uses is recorded as usage and counted instead, and its end
 * releases whatever of the estimate it did not use.
 */
export const usageEstimates = {
  /** Tokens one `Script.Generate` through a model takes: the prompt with its instructions and a script of up to 180 s, with room to spare. */
  scriptTokens: 2_000,
  /** Seconds of video when no `Script.Generate` sets the length: the longest a Short runs. */
  unscriptedVideoSeconds: 60,
  /** Render seconds (ffmpeg's wall time) per second of video, at the profiles' `veryfast` preset. */
  renderSecondsPerVideoSecond: 1,
  /** A preview's render seconds per second of video: a fifth of a full render's, or less (see the render benchmark). */
  previewRenderSecondsPerVideoSecond: 0.2,
} as const;

const zero: QuotaAmounts = { tokens: 0, kaiCredits: 0, renderSeconds: 0 };

/**
 * The estimated usage of each node of a validated plan: a `Script.Generate`
 * that calls a model, a fixed number of tokens (offline or given, none); the output
 * node, render seconds for the video's length for each profile it renders
 * (and a fifth of that for a preview), the length being the narration's
 * target length (its params, else its prompt, else 30 s) or, without a
 * script, a Short's longest.
 */
export function estimateNodeUsage(plan: ExecutionPlan, registry: NodeDefinitionRegistry): Record<string, QuotaAmounts> {
  const outputTypes = new Set(registry.outputTypes());
  const scripts = plan.graph.nodes.filter((node) => node.type === scriptGenerateDefinition.type);
  const videoSeconds =
    scripts.length > 0
      ? Math.max(...scripts.map((node) => scriptLength(plan.params[node.id] as ScriptLengthParams).targetSeconds))
      : usageEstimates.unscriptedVideoSeconds;
  return Object.fromEntries(
    plan.graph.nodes.map((node) => {
      if (node.type === scriptGenerateDefinition.type) {
        const { provider } = plan.params[node.id] as { provider: string };
        return [node.id, { ...zero, tokens: provider === 'offline' || provider === 'given' ? 0 : usageEstimates.scriptTokens }];
      }
      if (outputTypes.has(node.type)) {
        const { profiles, preview } = plan.params[node.id] as { profiles?: unknown[]; preview?: boolean };
        const perVideoSecond =
          (1 + (profiles?.length ?? 0)) * usageEstimates.renderSecondsPerVideoSecond + (preview ? usageEstimates.previewRenderSecondsPerVideoSecond : 0);
        return [node.id, { ...zero, renderSeconds: Math.round(videoSeconds * perVideoSecond * 100) / 100 }];
      }
      return [node.id, zero];
    }),
  );
}

/** The sum of the estimates of the nodes that will run. */
export function sumUsage(estimates: Record<string, QuotaAmounts>, nodeIds: Iterable<string>): QuotaAmounts {
  const total = { ...zero };
  for (const id of nodeIds) {
    const estimate = estimates[id] ?? zero;
    total.tokens += estimate.tokens;
    total.kaiCredits += estimate.kaiCredits;
    total.renderSeconds += estimate.renderSeconds;
  }
  return total;
}
