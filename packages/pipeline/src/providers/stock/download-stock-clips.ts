import { rm } from 'node:fs/promises';
import path from 'node:path';
import { FentaError, isFentaError, type AddressPolicy } from '@fenta/core';
import type { FootageClip } from '../../artifacts/artifact-types';
import type { NodeContext } from '../../nodes/node-context';
import { safeDownload } from '../http/safe-download';
import { renditionsToTry } from './pick-rendition';
import { probeVideoFile } from './probe-video-file';
import type { StockCandidate, StockRendition } from './stock-candidate';

/** How a stock provider downloads the clips it chose. */
export interface StockDownloadSettings {
  provider: string;
  policy: AddressPolicy;
  maxBytes: number;
  timeoutMs: number;
}

/**
 * Downloads each chosen clip's best-fitting file (safely, within the size
 * limit: a file over it is replaced by the next smaller rendition), measures it with ffprobe and stores it as `clip-<n>.mp4`. The
 * number continues after `firstNumber - 1` so that a node asking several
 * times (one clip per script beat) never overwrites an earlier clip.
 */
export async function downloadStockClips(
  ctx: NodeContext,
  chosen: StockCandidate[],
  frame: { width: number; height: number },
  firstNumber: number,
  settings: StockDownloadSettings,
): Promise<FootageClip[]> {
  const clips: FootageClip[] = [];
  for (const [index, candidate] of chosen.entries()) {
    const renditions = renditionsToTry(candidate.renditions, frame);
    if (renditions.length === 0) continue;
    const number = firstNumber + index;
    const localPath = path.join(ctx.tempDir, `${settings.provider}-${number}.mp4`);
    try {
      await downloadFirstWithinLimit(ctx, candidate, renditions, localPath, settings);
      const probe = await probeVideoFile(localPath, ctx.signal);
      if (!probe) {
        throw new FentaError('PROVIDER_RESPONSE_INVALID', { provider: settings.provider, reason: `clip ${candidate.id} is not a readable video` });
      }
      const file = await ctx.saveArtifact(`clip-${number}.mp4`, localPath, 'video/mp4');
      clips.push({
        file,
        durationSeconds: probe.durationSeconds,
        width: probe.width,
        height: probe.height,
        fps: probe.fps,
        source: {
          provider: settings.provider,
          id: candidate.id,
          ...(candidate.pageUrl ? { url: candidate.pageUrl } : {}),
          ...(candidate.author ? { author: candidate.author } : {}),
        },
        query: candidate.query,
      });
    } finally {
      await rm(localPath, { force: true });
    }
  }
  return clips;
}

/** Downloads the first rendition within the size limit; when every one is over it, fails as the last did. */
async function downloadFirstWithinLimit(
  ctx: NodeContext,
  candidate: StockCandidate,
  renditions: StockRendition[],
  localPath: string,
  settings: StockDownloadSettings,
): Promise<void> {
  for (const [index, rendition] of renditions.entries()) {
    try {
      await safeDownload(rendition.url, localPath, {
        maxBytes: settings.maxBytes,
        policy: settings.policy,
        timeoutMs: settings.timeoutMs,
        signal: ctx.signal,
        provider: settings.provider,
      });
      return;
    } catch (error) {
      const next = renditions[index + 1];
      if (!next || !isFentaError(error) || error.code !== 'DOWNLOAD_TOO_LARGE') throw error;
      await rm(localPath, { force: true });
      ctx.log.warn(`clip ${candidate.id}: the ${rendition.width}x${rendition.height} file is over the download limit; trying ${next.width}x${next.height}`, {
        provider: settings.provider,
        limitBytes: settings.maxBytes,
      });
    }
  }
}
