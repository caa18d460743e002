import type { NewRenderInput } from '@fenta/db';
import { renderLinks, type RenderLinks } from './render-links';

/** One output of a render as the worker made it: its stored files and what ffprobe measured. */
export interface FinishedOutput {
  video: { key: string; bytes: number };
  thumbnail: { key: string };
  srt: { key: string };
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  videoCodec: string;
  audioCodec: string;
  bitrateKbps: number;
  profile: string;
}

/** A render as jobs.result and webhooks tell of it: its id, profile, download routes and length. */
export interface RecordedRender extends RenderLinks {
  render_id: string;
  profile: string;
  duration: number;
}

/** The renders row of an output (with the id chosen for it) and how clients are told of it. */
export function recordedRender(
  output: FinishedOutput,
  renderId: string,
  jobId: string,
  storageDriver: string,
  publicUrl: string,
): { row: NewRenderInput; view: RecordedRender } {
  const links = renderLinks(publicUrl, renderId);
  return {
    view: { render_id: renderId, profile: output.profile, ...links, duration: output.durationSeconds },
    row: {
      id: renderId,
      jobId,
      profile: output.profile,
      video: { key: output.video.key, url: links.video_url, bytes: output.video.bytes },
      thumbnail: { key: output.thumbnail.key, url: links.thumbnail_url },
      srt: { key: output.srt.key, url: links.srt_url },
      durationSeconds: output.durationSeconds,
      width: output.width,
      height: output.height,
      fps: output.fps,
      codec: output.videoCodec,
      bitrateKbps: output.bitrateKbps,
      metadata: { profile: output.profile, audio_codec: output.audioCodec, storage_driver: storageDriver },
    },
  };
}
