import type { StockRequest } from '../pipeline-providers';

/** What selection needs to know of a found clip. */
export interface SelectableClip {
  id: string;
  durationSeconds: number;
}

type SelectionRules = Pick<StockRequest, 'count' | 'excludeIds' | 'minDurationSeconds'>;

/**
 * The clips to use, in the order found: never an excluded id, never the same
 * id twice; clips shorter than the minimum only when there are not enough
 * longer ones.
 */
export function selectCandidates<T extends SelectableClip>(candidates: T[], rules: SelectionRules): T[] {
  const usable = distinctCandidates(candidates, rules.excludeIds);
  const long = usable.filter((candidate) => candidate.durationSeconds >= rules.minDurationSeconds);
  const short = usable.filter((candidate) => candidate.durationSeconds < rules.minDurationSeconds);
  return [...long, ...short].slice(0, rules.count);
}

/** Whether the clips found so far already give `count` distinct clips of the minimum length. */
export function hasEnoughLongCandidates(candidates: SelectableClip[], rules: SelectionRules): boolean {
  const usable = distinctCandidates(candidates, rules.excludeIds);
  return usable.filter((candidate) => candidate.durationSeconds >= rules.minDurationSeconds).length >= rules.count;
}

function distinctCandidates<T extends SelectableClip>(candidates: T[], excludeIds: string[]): T[] {
  const seen = new Set(excludeIds);
  const usable: T[] = [];
  for (const candidate of candidates) {
    if (seen.has(candidate.id)) continue;
    seen.add(candidate.id);
    usable.push(candidate);
  }
  return usable;
}
