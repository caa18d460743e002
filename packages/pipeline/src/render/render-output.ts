import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FentaError } from '@fenta/core';
import { probeMedia } from '@fenta/media';
import type { RenderOutput, StoredFile } from '../artifacts/artifact-types';
import type { NodeContext } from '../nodes/node-context';
import { retargetTimeline } from '../timeline/retarget-timeline';
import type { OutputProfile, Timeline } from '../timeline/timeline-ir';
import { compileTimeline } from './compile-ffmpeg';
import { runFfmpeg } from './run-ffmpeg';
import { logTextOverlayFonts, writeTextOverlays } from './write-text-overlays';

export interface RenderOutputOptions {
  /** Where under the node's artifacts the files go: '' for the node's own names, else a folder named for the profile. */
  folder: string;
  /** Local path of every storage key the timeline reads. */
  media: Record<string, string>;
  /** The soundtrack every output of the node shares (see mixAudio). */
  audio: string;
  /** The captions every output of the node shares, stored on first call. */
  srt: () => Promise<StoredFile>;
  /** 0..1 of this output's render. */
  onProgress: (fraction: number) => void;
}

/**
 * One output of Output.Render: the timeline retargeted to `profile`,
 * rendered by one ffmpeg command with its thumbnail, probed (the frame and
 * length must be the profile's and the timeline's), then stored, with its
 * render seconds and stored bytes recorded as usage.
 */
export async function renderOutput(ctx: NodeContext, source: Timeline, profile: OutputProfile, options: RenderOutputOptions): Promise<RenderOutput> {
  const timeline = retargetTimeline(source, profile);
  const name = (file: string) => (options.folder ? `${options.folder}/${file}` : file);
  const dir = options.folder ? path.join(ctx.tempDir, options.folder) : ctx.tempDir;
  await mkdir(dir, { recursive: true });
  const videoPath = path.join(dir, 'video.mp4');
  const thumbnailPath = path.join(dir, 'thumbnail.jpg');
  // Text is laid out for each profile's frame: its own overlay scripts, in its own folder.
  const text = await writeTextOverlays(timeline, { dir, signal: ctx.signal });
  if (!options.folder) logTextOverlayFonts(ctx, text);
  const render = compileTimeline(timeline, {
    inputs: options.media,
    audio: options.audio,
    output: videoPath,
    thumbnail: thumbnailPath,
    textOverlayFiles: text.files,
  });
  ctx.log.info('rendering', { profile: profile.name, preset: profile.preset, durationSeconds: timeline.durationSeconds });
  // Local paths are of no use to the org reading the job log, but help whoever debugs the worker.
  ctx.log.debug('ffmpeg command', { args: render.args });

  const started = performance.now();
  let finished = false;
  try {
    // The video (and the thumbnail, written by the same command) is 95% of the work; the probe and uploads are the rest.
    await runFfmpeg(render.args, { durationSeconds: timeline.durationSeconds, signal: ctx.signal, onProgress: (f) => options.onProgress(f * 0.95) });
    finished = true;
  } finally {
    // The temp dir goes away after the run anyway; a partial video should not outlive a failure even that long.
    if (!finished) await Promise.all([rm(videoPath, { force: true }), rm(thumbnailPath, { force: true })]);
  }
  const renderSeconds = (performance.now() - started) / 1000;

  const info = await probeMedia(videoPath, { signal: ctx.signal });
  if (info.width !== profile.width || info.height !== profile.height || Math.abs(info.durationSeconds - timeline.durationSeconds) > 0.25) {
    throw new FentaError('RENDER_FAILED', {
      reason: `the ${profile.name} video is ${info.width}x${info.height}, ${info.durationSeconds} s; expected ${profile.width}x${profile.height}, ${timeline.durationSeconds} s`,
    });
  }
  const video = await ctx.saveArtifact(name('video.mp4'), videoPath, 'video/mp4');
  const thumbnail = await ctx.saveArtifact(name('thumbnail.jpg'), thumbnailPath, 'image/jpeg');
  const srt = await options.srt();

  ctx.recordUsage({ resource: 'render_seconds', seconds: Math.round(renderSeconds * 100) / 100, profile: profile.name });
  // The shared captions are counted once, with the node's own files.
  ctx.recordUsage({ resource: 'storage', bytes: video.bytes + thumbnail.bytes + (options.folder ? 0 : srt.bytes) });
  ctx.log.info('rendered', { profile: profile.name, renderSeconds, bytes: video.bytes, bitrateKbps: info.bitrateKbps });
  options.onProgress(1);
  return {
    video,
    thumbnail,
    srt,
    durationSeconds: info.durationSeconds,
    width: profile.width,
    height: profile.height,
    fps: info.fps ?? profile.fps,
    videoCodec: info.videoCodec ?? 'h264',
    audioCodec: info.audioCodec ?? 'aac',
    bitrateKbps: info.bitrateKbps,
    profile: profile.name,
  };
}
