import type { Stage } from '../nodes/node-context';

// Rough share of a job's wall time each stage takes; rendering dominates.
const stageWeights: Record<Stage, number> = { ingest: 10, script: 5, tts: 15, subtitle: 3, edit: 2, export: 65 };

/**
 * Turns "node k of n is x% done" into the job's 0–100, weighting nodes by
 * how long their stage usually takes so the bar moves evenly.
 */
export class JobProgress {
  private readonly weights: number[];
  private readonly total: number;

  constructor(stages: Stage[]) {
    this.weights = stages.map((stage) => stageWeights[stage]);
    this.total = this.weights.reduce((sum, weight) => sum + weight, 0) || 1;
  }

  /** Percent done when nodes before `index` are finished and node `index` is `fraction` done. */
  at(index: number, fraction: number): number {
    const done = this.weights.slice(0, index).reduce((sum, weight) => sum + weight, 0);
    const current = (this.weights[index] ?? 0) * Math.max(0, Math.min(1, fraction));
    // 100 is reserved for the moment the job is recorded as completed.
    return Math.min(99, Math.floor(((done + current) / this.total) * 100));
  }
}
