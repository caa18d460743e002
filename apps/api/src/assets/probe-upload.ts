import { FentaError } from '@fenta/core';
import type { AssetFileFacts, AssetType } from '@fenta/db';
import { probeMedia, type MediaInfo } from '@fenta/media';
import { assetMediaTypes, imageFormats } from './asset-media-types';

/** What ffprobe found in an upload, as an asset's columns (the storage key aside). */
export type UploadProbe = Omit<AssetFileFacts, 'storageKey' | 'storageProvider' | 'contentType'> & { type: AssetType; formatName: string };

// ffprobe reads headers, not the whole file; a minute is far more than any upload needs.
const probeTimeoutMs = 60_000;

/**
 * Probes a received upload with ffprobe (local file protocol and media
 * containers only) and holds it to what it was declared: ASSET_NOT_MEDIA when
 * ffprobe cannot read it or it has no picture or sound, ASSET_TYPE_MISMATCH
 * when its kind (video, audio, image) or container is not what its content
 * type says. The declared type must be one of assetMediaTypes.
 */
export async function probeUpload(file: string, contentType: string, sizeBytes: number): Promise<UploadProbe> {
  const declared = assetMediaTypes[contentType];
  if (!declared) throw new Error(`probeUpload was given ${contentType}, which is not an allowed asset type`);
  let info: MediaInfo;
  try {
    info = await probeMedia(file, { signal: AbortSignal.timeout(probeTimeoutMs) });
  } catch (cause) {
    // ffprobe's message names the temp file; the client hears only what it means.
    throw new FentaError('ASSET_NOT_MEDIA', { contentType, reason: 'ffprobe found no media it reads in it' }, { cause });
  }
  const formatName = info.formatName ?? '';
  const formats = formatName.split(',');
  const kind = kindOf(info, formats);
  if (!kind) throw new FentaError('ASSET_NOT_MEDIA', { contentType, reason: 'it has no picture or sound' });
  if (kind !== 'image' && !(info.durationSeconds > 0)) throw new FentaError('ASSET_NOT_MEDIA', { contentType, reason: 'it has no duration' });
  if (kind !== declared.kind || !formats.some((format) => declared.formats.includes(format))) {
    throw new FentaError(
      'ASSET_TYPE_MISMATCH',
      { contentType, actual: `${withArticle(kind)} file (ffprobe format ${formatName})` },
      { details: { declared: contentType, found: { type: kind, format: formatName } } },
    );
  }
  return {
    type: kind,
    formatName,
    sizeBytes,
    durationSeconds: kind === 'image' ? null : info.durationSeconds,
    width: kind === 'audio' ? null : (info.width ?? null),
    height: kind === 'audio' ? null : (info.height ?? null),
    fps: kind === 'video' ? (info.fps ?? null) : null,
    codec: (kind === 'audio' ? info.audioCodec : info.videoCodec) ?? null,
  };
}

/** Video when it has a moving picture, an image when its picture is a still's container, audio when it has sound alone. */
function kindOf(info: MediaInfo, formats: string[]): AssetType | undefined {
  const picture = info.videoCodec !== undefined && Boolean(info.width) && Boolean(info.height);
  if (picture) return formats.some((format) => imageFormats.includes(format)) ? 'image' : 'video';
  return info.audioCodec !== undefined ? 'audio' : undefined;
}

/** `a video`, `an audio`, `an image`: for messages. */
export function withArticle(kind: AssetType): string {
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}
