import type { Stage } from '../nodes/node-context';

// Rough share of a job's wall time each stage takes; rendering dominates.
const stageWeights: Record<Stage, number> = { ingest: 10, script: 5, tts: 15, subtitle: 3, edit: 2, export: 65 };

/**
 * Turns how far each node of a job is into the job's 0–100, weighting nodes
 * by how long their stage usually takes so the bar moves evenly. Several
 * nodes may be under way at once: each adds its own share.
 */
export class JobProgress {
  private readonly weights: number[];
  private readonly fractions: number[];
  private readonly total: number;

  constructor(stages: Stage[]) {
    this.weights = stages.map((stage) => stageWeights[stage]);
    this.fractions = stages.map(() => 0);
    this.total = this.weights.reduce((sum, weight) => sum + weight, 0) || 1;
  }

  /** Percent done once node `index` is `fraction` done, with every other node where it was last reported. */
  at(index: number, fraction: number): number {
    if (index >= 0 && index < this.fractions.length) this.fractions[index] = Math.max(0, Math.min(1, fraction));
    const done = this.weights.reduce((sum, weight, i) => sum + weight * this.fractions[i]!, 0);
    // 100 is reserved for the moment the job is recorded as completed.
    return Math.min(99, Math.floor((done / this.total) * 100));
  }
}
