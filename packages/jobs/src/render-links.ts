/** Where clients download a render's files: the API's stable routes, which check the caller's key on every request. */
export interface RenderLinks {
  video_url: string;
  thumbnail_url: string;
  srt_url: string;
  vtt_url: string;
}

/**
 * The download routes of a render under the API's public base URL
 * (FENTA_PUBLIC_URL, e.g. `https://api.example.com` or one with a path,
 * `https://example.com/fenta`). Never a storage key, a `file://` path or a
 * presigned URL: those leak where files live or expire, and these do neither.
 */
export function renderLinks(publicUrl: string, renderId: string): RenderLinks {
  const base = `${publicUrl.replace(/\/+$/, '')}/v1/renders/${encodeURIComponent(renderId)}`;
  return {
    video_url: `${base}/video`,
    thumbnail_url: `${base}/thumbnail`,
    srt_url: `${base}/captions.srt`,
    vtt_url: `${base}/captions.vtt`,
  };
}
