import { FentaError } from '@fenta/core';
import type { FootageClip } from '../../artifacts/artifact-types';
import type { NodeContext } from '../../nodes/node-context';
import { fetchProviderJson } from '../http/fetch-provider-json';
import type { StockProvider, StockRequest } from '../pipeline-providers';
import { downloadStockClips } from './download-stock-clips';
import { frameOrientation } from './frame-orientation';
import { pexelsSearchResponse } from './pexels-search-response';
import { searchStockCandidates, type StockSearchPage } from './search-stock-candidates';
import { parseSearchAnswer } from './parse-search-answer';
import { selectCandidates } from './select-candidates';
import { resolveStockSettings, type RemoteStockSettings, type ResolvedStockSettings } from './stock-provider-settings';

/** A Pexels API key and, optionally, the tuning every remote stock provider takes. */
export interface PexelsStockProviderOptions extends RemoteStockSettings {
  apiKey: string;
}

/** Pexels' most results per page. */
const maxPerPage = 80;

/** Stock footage from the Pexels video search API (`GET /videos/search`, key in `Authorization`). */
export class PexelsStockProvider implements StockProvider {
  readonly name = 'pexels';
  private readonly settings: ResolvedStockSettings;
  private readonly apiKey: string;

  constructor(options: PexelsStockProviderOptions) {
    this.apiKey = options.apiKey;
    this.settings = resolveStockSettings(options, 'https://api.pexels.com');
  }

  async fetchClips(ctx: NodeContext, request: StockRequest): Promise<FootageClip[]> {
    const perPage = Math.min(maxPerPage, Math.max(15, request.count * 3));
    const candidates = await searchStockCandidates(
      request,
      (query, page) => this.searchPage(query, page, perPage, request.frame, ctx.signal),
      this.settings.maxPagesPerQuery,
    );
    const chosen = selectCandidates(candidates, request);
    if (chosen.length === 0) throw new FentaError('STOCK_NO_RESULTS', { query: request.queries.join(' / '), provider: this.name });
    return downloadStockClips(ctx, chosen, request, request.excludeIds.length + 1, {
      provider: this.name,
      policy: this.settings.downloadPolicy,
      maxBytes: this.settings.maxDownloadBytes,
      timeoutMs: this.settings.downloadTimeoutMs,
    });
  }

  private async searchPage(
    query: string,
    page: number,
    perPage: number,
    frame: { width: number; height: number },
    signal: AbortSignal,
  ): Promise<StockSearchPage> {
    const url = new URL(`${this.settings.baseUrl}/videos/search`);
    url.searchParams.set('query', query);
    url.searchParams.set('orientation', frameOrientation(frame));
    url.searchParams.set('size', minimumSize(frame));
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(page));
    // One call: a failure's code says whether the node's policy should try again.
    const body = await fetchProviderJson({
      provider: this.name,
      url: url.toString(),
      headers: { authorization: this.apiKey },
      signal,
      timeoutMs: this.settings.requestTimeoutMs,
      secrets: [this.apiKey],
    });
    const { videos, total_results: total } = parseSearchAnswer(pexelsSearchResponse, body, this.name);
    return {
      candidates: videos
        .map((video) => ({
          id: String(video.id),
          durationSeconds: video.duration,
          renditions: video.video_files
            .filter((file) => file.file_type === 'video/mp4' && file.width && file.height)
            .map((file) => ({ url: file.link, width: file.width ?? 0, height: file.height ?? 0 })),
          ...(video.url ? { pageUrl: video.url } : {}),
          ...(video.user?.name ? { author: video.user.name } : {}),
          query,
        }))
        .filter((candidate) => candidate.renditions.length > 0),
      hasMore: videos.length > 0 && page * perPage < total,
    };
  }
}

/** Pexels' `size` filter: the smallest class that still covers the frame (large = 4K, medium = Full HD, small = HD). */
function minimumSize(frame: { width: number; height: number }): 'large' | 'medium' | 'small' {
  const shortSide = Math.min(frame.width, frame.height);
  if (shortSide > 1080) return 'large';
  if (shortSide > 720) return 'medium';
  return 'small';
}
