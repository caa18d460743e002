import { FentaError } from '@fenta/core';
import type { FootageClip } from '../../artifacts/artifact-types';
import type { NodeContext } from '../../nodes/node-context';
import { fetchProviderJson } from '../http/fetch-provider-json';
import type { StockProvider, StockRequest } from '../pipeline-providers';
import { downloadStockClips } from './download-stock-clips';
import { pixabaySearchResponse } from './pixabay-search-response';
import { searchStockCandidates, type StockSearchPage } from './search-stock-candidates';
import { parseSearchAnswer } from './parse-search-answer';
import { selectCandidates } from './select-candidates';
import type { StockRendition } from './stock-candidate';
import { resolveStockSettings, type RemoteStockSettings, type ResolvedStockSettings } from './stock-provider-settings';

/** A Pixabay API key and, optionally, the tuning every remote stock provider takes. */
export interface PixabayStockProviderOptions extends RemoteStockSettings {
  apiKey: string;
}

/** Pixabay's per_page bounds. */
const minPerPage = 3;
const maxPerPage = 200;
/** Pixabay answers `q` of more than 100 characters with an error. */
const maxQueryLength = 100;

/**
 * Stock footage from the Pixabay video API (`GET /api/videos/`). The key
 * travels in the query string, so the request URL is never logged and the
 * key is scrubbed from any error text.
 */
export class PixabayStockProvider implements StockProvider {
  readonly name = 'pixabay';
  private readonly settings: ResolvedStockSettings;
  private readonly apiKey: string;

  constructor(options: PixabayStockProviderOptions) {
    this.apiKey = options.apiKey;
    this.settings = resolveStockSettings(options, 'https://pixabay.com');
  }

  async fetchClips(ctx: NodeContext, request: StockRequest): Promise<FootageClip[]> {
    const perPage = Math.min(maxPerPage, Math.max(minPerPage, 20, request.count * 3));
    const candidates = await searchStockCandidates(request, (query, page) => this.searchPage(query, page, perPage, ctx.signal), this.settings.maxPagesPerQuery);
    const chosen = selectCandidates(candidates, request);
    if (chosen.length === 0) throw new FentaError('STOCK_NO_RESULTS', { query: request.queries.join(' / '), provider: this.name });
    return downloadStockClips(ctx, chosen, request, request.excludeIds.length + 1, {
      provider: this.name,
      policy: this.settings.downloadPolicy,
      maxBytes: this.settings.maxDownloadBytes,
      timeoutMs: this.settings.downloadTimeoutMs,
    });
  }

  private async searchPage(query: string, page: number, perPage: number, signal: AbortSignal): Promise<StockSearchPage> {
    const url = new URL(`${this.settings.baseUrl}/api/videos/`);
    url.searchParams.set('key', this.apiKey);
    url.searchParams.set('q', query.slice(0, maxQueryLength));
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(page));
    url.searchParams.set('safesearch', 'true');
    // One call: a failure's code says whether the node's policy should try again.
    const body = await fetchProviderJson({
      provider: this.name,
      url: url.toString(),
      signal,
      timeoutMs: this.settings.requestTimeoutMs,
      secrets: [this.apiKey, encodeURIComponent(this.apiKey)],
    });
    const { hits, totalHits } = parseSearchAnswer(pixabaySearchResponse, body, this.name);
    return {
      candidates: hits
        .map((hit) => ({
          id: String(hit.id),
          durationSeconds: hit.duration,
          renditions: [hit.videos.large, hit.videos.medium, hit.videos.small, hit.videos.tiny].filter((rendition): rendition is StockRendition =>
            Boolean(rendition?.url && rendition.width > 0 && rendition.height > 0),
          ),
          ...(hit.pageURL ? { pageUrl: hit.pageURL } : {}),
          ...(hit.user ? { author: hit.user } : {}),
          query,
        }))
        .filter((candidate) => candidate.renditions.length > 0),
      hasMore: hits.length > 0 && page * perPage < totalHits,
    };
  }
}
