import { rm } from 'node:fs/promises';
import path from 'node:path';
import { FentaError, isFentaError, type AddressPolicy } from '@fenta/core';
import type { FootageClip } from '../../artifacts/artifact-types';
import type { NodeContext } from '../../nodes/node-context';
import { safeDownload } from '../http/safe-download';
import type { StockRequest } from '../pipeline-providers';
import { coversFrame, pickRendition, renditionsToTry } from './pick-rendition';
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
 * With a draft frame, the smallest file that covers it is stored too, as
 * `clip-<n>-draft.mp4`, when it has fewer pixels than the one downloaded.
 */
export async function downloadStockClips(
  ctx: NodeContext,
  chosen: StockCandidate[],
  sizes: Pick<StockRequest, 'frame' | 'draftFrame'>,
  firstNumber: number,
  settings: StockDownloadSettings,
): Promise<FootageClip[]> {
  const clips: FootageClip[] = [];
  for (const [index, candidate] of chosen.entries()) {
    const renditions = renditionsToTry(candidate.renditions, sizes.frame);
    if (renditions.length === 0) continue;
    const number = firstNumber + index;
    const localPath = path.join(ctx.tempDir, `${settings.provider}-${number}.mp4`);
    try {
      const downloaded = await downloadFirstWithinLimit(ctx, candidate, renditions, localPath, settings);
      const probe = await probeVideoFile(localPath, ctx.signal);
      if (!probe) {
        throw new FentaError('PROVIDER_RESPONSE_INVALID', { provider: settings.provider, reason: `clip ${candidate.id} is not a readable video` });
      }
      const file = await ctx.saveArtifact(`clip-${number}.mp4`, localPath, 'video/mp4');
      const draft = sizes.draftFrame ? await downloadDraft(ctx, candidate, downloaded, sizes.draftFrame, number, settings) : undefined;
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
        ...(draft ? { draft } : {}),
      });
    } finally {
      await rm(localPath, { force: true });
    }
  }
  return clips;
}

/**
 * The clip's smallest file that covers the draft frame, downloaded and stored
 * as `clip-<n>-draft.mp4`, when it has fewer pixels than the file the clip
 * was stored from; undefined otherwise. A draft file that fails (too large,
 * unreadable, a provider error) costs the preview its speed, not the job:
 * the preview then reads the full file.
 */
async function downloadDraft(
  ctx: NodeContext,
  candidate: StockCandidate,
  downloaded: StockRendition,
  frame: { width: number; height: number },
  number: number,
  settings: StockDownloadSettings,
): Promise<FootageClip['draft']> {
  const rendition = pickRendition(candidate.renditions, frame);
  if (!rendition || !coversFrame(rendition, frame) || rendition.width * rendition.height >= downloaded.width * downloaded.height) return undefined;
  const localPath = path.join(ctx.tempDir, `${settings.provider}-${number}-draft.mp4`);
  try {
    await downloadRendition(ctx, rendition, localPath, settings);
    const probe = await probeVideoFile(localPath, ctx.signal);
    if (!probe)
      throw new FentaError('PROVIDER_RESPONSE_INVALID', { provider: settings.provider, reason: `clip ${candidate.id}'s draft file is not a readable video` });
    const file = await ctx.saveArtifact(`clip-${number}-draft.mp4`, localPath, 'video/mp4');
    return { file, width: probe.width, height: probe.height };
  } catch (error) {
    if (!isFentaError(error) || ctx.signal.aborted) throw error;
    ctx.log.warn(`clip ${candidate.id}: no ${rendition.width}x${rendition.height} file for the preview (${error.message}); the preview reads the full file`, {
      provider: settings.provider,
      code: error.code,
    });
    return undefined;
  } finally {
    await rm(localPath, { force: true });
  }
}

/** Downloads the first rendition within the size limit and returns it; when every one is over it, fails as the last did. */
async function downloadFirstWithinLimit(
  ctx: NodeContext,
  candidate: StockCandidate,
  renditions: StockRendition[],
  localPath: string,
  settings: StockDownloadSettings,
): Promise<StockRendition> {
  for (const [index, rendition] of renditions.entries()) {
    try {
      await downloadRendition(ctx, rendition, localPath, settings);
      return rendition;
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
  throw new Error('unreachable: the last rendition either downloads or throws');
}

/** One file of a clip, downloaded safely within the provider's limits. */
async function downloadRendition(ctx: NodeContext, rendition: StockRendition, localPath: string, settings: StockDownloadSettings): Promise<void> {
  await safeDownload(rendition.url, localPath, {
    maxBytes: settings.maxBytes,
    policy: settings.policy,
    timeoutMs: settings.timeoutMs,
    signal: ctx.signal,
    provider: settings.provider,
  });
}
