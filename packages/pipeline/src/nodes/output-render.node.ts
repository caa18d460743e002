import { writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FentaError } from '@fenta/core';
import { outputRenderDefinition } from '@fenta/graph';
import type { z } from 'zod';
import type { RenderResult, StoredFile } from '../artifacts/artifact-types';
import { compileTimeline } from '../render/compile-ffmpeg';
import { getOutputProfile } from '../render/output-profiles';
import { probeMedia } from '@fenta/media';
import { runFfmpeg } from '../render/run-ffmpeg';
import { logTextOverlayFonts, writeTextOverlays } from '../render/write-text-overlays';
import { retargetTimeline } from '../timeline/retarget-timeline';
import type { Timeline } from '../timeline/timeline-ir';
import { defineNodeType } from './define-node-type';
import type { NodeContext } from './node-context';

const type = outputRenderDefinition.type;

/** Every storage key the timeline reads. */
function sourcesOf(timeline: Timeline): string[] {
  const keys = [
    ...timeline.clips.map((c) => c.source),
    timeline.audio.voice.source,
    ...(timeline.audio.music ? [timeline.audio.music.source] : []),
    ...(timeline.subtitles ? [timeline.subtitles.source] : []),
    ...timeline.overlays.flatMap((o) => (o.kind === 'image' ? [o.source] : [])),
  ];
  return [...new Set(keys)];
}

async function localInputs(ctx: NodeContext, timeline: Timeline): Promise<Record<string, string>> {
  const inputs: Record<string, string> = {};
  for (const key of sourcesOf(timeline)) inputs[key] = await ctx.localFile(key);
  return inputs;
}

/** The timeline's SRT stored as this render's captions; an empty file when the timeline has none. */
async function storeSrt(ctx: NodeContext, timeline: Timeline): Promise<StoredFile> {
  let source: string;
  if (timeline.srt) {
    source = await ctx.localFile(timeline.srt);
  } else {
    ctx.log.warn('the timeline has no SRT; the render ships an empty captions file');
    source = path.join(ctx.tempDir, 'empty.srt');
    await writeFile(source, '');
  }
  return ctx.saveArtifact('captions.srt', source, 'application/x-subrip');
}

/**
 * `Output.Render`: the timeline compiled to one ffmpeg command and rendered
 * into `video.mp4`, with `thumbnail.jpg` and `captions.srt` beside it.
 * Nothing is stored until ffmpeg has finished and the file has been probed,
 * so a failed or cancelled render leaves nothing in storage.
 */
export const outputRenderNode = defineNodeType<z.output<typeof outputRenderDefinition.params>, { timeline: Timeline }, RenderResult>({
  ...outputRenderDefinition,
  async run(ctx, inputs, p) {
    const profile = getOutputProfile(p.profile, { preset: p.preset, node: ctx.nodeId, type });
    if (inputs.timeline.profile.name !== profile.name) {
      ctx.log.info('rendering the timeline for another profile than it was built for', { built: inputs.timeline.profile.name, profile: profile.name });
    }
    const timeline = retargetTimeline(inputs.timeline, profile);
    const videoPath = path.join(ctx.tempDir, 'video.mp4');
    const thumbnailPath = path.join(ctx.tempDir, 'thumbnail.jpg');
    const text = await writeTextOverlays(timeline, { dir: ctx.tempDir, signal: ctx.signal });
    logTextOverlayFonts(ctx, text);
    const render = compileTimeline(timeline, {
      inputs: await localInputs(ctx, timeline),
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
      await runFfmpeg(render.args, { durationSeconds: timeline.durationSeconds, signal: ctx.signal, onProgress: (f) => ctx.progress(f * 0.95) });
      finished = true;
    } finally {
      // The temp dir goes away after the run anyway; a partial video should not outlive a failure even that long.
      if (!finished) await Promise.all([rm(videoPath, { force: true }), rm(thumbnailPath, { force: true })]);
    }
    const renderSeconds = (performance.now() - started) / 1000;

    const info = await probeMedia(videoPath, { signal: ctx.signal });
    if (info.width !== profile.width || info.height !== profile.height || Math.abs(info.durationSeconds - timeline.durationSeconds) > 0.25) {
      throw new FentaError('RENDER_FAILED', {
        reason: `the video is ${info.width}x${info.height}, ${info.durationSeconds} s; expected ${profile.width}x${profile.height}, ${timeline.durationSeconds} s`,
      });
    }
    const video = await ctx.saveArtifact('video.mp4', videoPath, 'video/mp4');
    const thumbnail = await ctx.saveArtifact('thumbnail.jpg', thumbnailPath, 'image/jpeg');
    const srt = await storeSrt(ctx, timeline);

    ctx.recordUsage({ resource: 'render_seconds', seconds: Math.round(renderSeconds * 100) / 100, profile: profile.name });
    ctx.recordUsage({ resource: 'storage', bytes: video.bytes + thumbnail.bytes + srt.bytes });
    ctx.log.info('rendered', { renderSeconds, bytes: video.bytes, bitrateKbps: info.bitrateKbps });
    ctx.progress(1);
    return {
      kind: 'render',
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
  },
});
