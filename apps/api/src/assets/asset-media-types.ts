import type { AssetType } from '@fenta/db';

/** What a declared content type promises: the kind of media, the containers ffprobe may find, the file extension it is stored with. */
export interface AssetMediaType {
  kind: AssetType;
  /** ffprobe format names (any of the comma-separated parts of format_name) this type may be. */
  formats: readonly string[];
  extension: string;
}

/**
 * The content types an upload may declare: the media Fenta renders with, in
 * the containers ffprobe opens for it (see localFilesOnly in the pipeline's
 * render/local-media-input.ts). Anything else is refused before a byte is
 * stored.
 */
export const assetMediaTypes: Readonly<Record<string, AssetMediaType>> = Object.freeze({
  'video/mp4': { kind: 'video', formats: ['mp4', 'mov'], extension: 'mp4' },
  'video/quicktime': { kind: 'video', formats: ['mov', 'mp4'], extension: 'mov' },
  'video/webm': { kind: 'video', formats: ['webm', 'matroska'], extension: 'webm' },
  'audio/mpeg': { kind: 'audio', formats: ['mp3'], extension: 'mp3' },
  'audio/wav': { kind: 'audio', formats: ['wav'], extension: 'wav' },
  'audio/x-wav': { kind: 'audio', formats: ['wav'], extension: 'wav' },
  'audio/mp4': { kind: 'audio', formats: ['mp4', 'm4a', 'mov'], extension: 'm4a' },
  'audio/ogg': { kind: 'audio', formats: ['ogg'], extension: 'ogg' },
  'audio/flac': { kind: 'audio', formats: ['flac'], extension: 'flac' },
  'image/jpeg': { kind: 'image', formats: ['jpeg_pipe'], extension: 'jpg' },
  'image/png': { kind: 'image', formats: ['png_pipe'], extension: 'png' },
  'image/webp': { kind: 'image', formats: ['webp_pipe'], extension: 'webp' },
});

export const allowedAssetContentTypes: readonly string[] = Object.keys(assetMediaTypes);

/** The declared type an upload's part carries, lowercased and without parameters (`video/MP4; codecs=…` → `video/mp4`). */
export function declaredContentType(mimetype: string | undefined): string {
  return (mimetype ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Containers of still images: a video stream in one of these is a picture, not footage. */
export const imageFormats: readonly string[] = ['jpeg_pipe', 'png_pipe', 'webp_pipe', 'image2'];
