import type { StockRequest } from '../pipeline-providers';
import { hasEnoughLongCandidates } from './select-candidates';
import type { StockCandidate } from './stock-candidate';

/** One page of a provider's search results. */
export interface StockSearchPage {
  /** Clips with at least one downloadable file. */
  candidates: StockCandidate[];
  /** False on the last page: asking for the next one would waste a request. */
  hasMore: boolean;
}

/**
 * Pages through the provider's results for each query in order, stopping as
 * soon as enough distinct clips of the minimum length are known, so a
 * well-served first query costs one request.
 */
export async function searchStockCandidates(
  request: StockRequest,
  searchPage: (query: string, page: number) => Promise<StockSearchPage>,
  maxPagesPerQuery: number,
): Promise<StockCandidate[]> {
  const found: StockCandidate[] = [];
  for (const query of request.queries) {
    for (let page = 1; page <= maxPagesPerQuery; page += 1) {
      const result = await searchPage(query, page);
      found.push(...result.candidates);
      if (hasEnoughLongCandidates(found, request)) return found;
      if (!result.hasMore) break;
    }
  }
  return found;
}
