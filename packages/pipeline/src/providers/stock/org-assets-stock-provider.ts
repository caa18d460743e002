import { FentaError } from '@fenta/core';
import type { DB } from '@fenta/db';
import type { Kysely } from 'kysely';
import type { FootageClip } from '../../artifacts/artifact-types';
import type { NodeContext } from '../../nodes/node-context';
import type { StockProvider, StockRequest } from '../pipeline-providers';
import { findTaggedVideoAssets, type TaggedVideoAsset } from './find-tagged-video-assets';
import { probeVideoFile } from './probe-video-file';
import { hasEnoughLongCandidates, selectCandidates } from './select-candidates';

// Words that would match far too many tags to mean anything.
const ignoredWords = new Set(['a', 'an', 'and', 'at', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with']);

/**
 * The org's own footage: ready video assets whose tags match the node's
 * `tags`, or else the search terms. The files are already in storage, so a clip points at the asset's
 * key; nothing is downloaded or copied.
 */
export class OrgAssetsStockProvider implements StockProvider {
  readonly name = 'assets';

  constructor(private readonly db: Kysely<DB>) {}

  async fetchClips(ctx: NodeContext, request: StockRequest): Promise<FootageClip[]> {
    const found: Array<TaggedVideoAsset & { durationSeconds: number; query: string }> = [];
    const limit = request.count + request.excludeIds.length + 10;
    // Tags given by the node are matched as they are; otherwise each query stands for its words.
    const searches = request.tags
      ? [{ query: request.queries.join(' / '), tags: request.tags }]
      : request.queries.map((query) => ({ query, tags: tagsFor(query) }));
    for (const { query, tags } of searches) {
      const assets = await findTaggedVideoAssets(this.db, ctx.orgId, tags, limit);
      for (const asset of assets) found.push({ ...asset, durationSeconds: asset.durationSeconds ?? 0, query });
      if (hasEnoughLongCandidates(found, request)) break;
    }
    const clips: FootageClip[] = [];
    // Every candidate in order of preference: a missing file makes room for the next one.
    for (const asset of selectCandidates(found, { ...request, count: found.length })) {
      if (clips.length === request.count) break;
      const clip = await this.clipOf(ctx, asset);
      if (clip) clips.push(clip);
    }
    if (clips.length === 0) throw new FentaError('STOCK_NO_RESULTS', { query: request.queries.join(' / '), provider: this.name });
    return clips;
  }

  /** The asset as a clip, measured by ffprobe when its row lacks a size, rate or length; undefined when its file is gone. */
  private async clipOf(ctx: NodeContext, asset: TaggedVideoAsset & { query: string }): Promise<FootageClip | undefined> {
    const stored = await ctx.storage.stat(asset.storageKey);
    if (!stored) {
      ctx.log.warn('asset file is missing from storage, skipped', { asset: asset.id, key: asset.storageKey });
      return undefined;
    }
    let { width, height, fps, durationSeconds } = asset;
    if (!width || !height || !fps || !durationSeconds) {
      const probe = await probeVideoFile(await ctx.localFile(asset.storageKey), ctx.signal);
      if (!probe) {
        ctx.log.warn('asset is not a readable video, skipped', { asset: asset.id });
        return undefined;
      }
      ({ width, height, fps, durationSeconds } = probe);
    }
    return {
      file: { key: asset.storageKey, contentType: asset.contentType ?? stored.contentType, bytes: stored.bytes },
      durationSeconds,
      width,
      height,
      fps,
      source: { provider: this.name, id: asset.id, ...(asset.url ? { url: asset.url } : {}) },
      query: asset.query,
    };
  }
}

/** The tags a search term stands for: the whole term and each meaningful word of it. */
function tagsFor(query: string): string[] {
  const whole = query.trim().toLowerCase();
  const words = whole.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 0 && !ignoredWords.has(word));
  return whole ? [whole, ...words] : words;
}
