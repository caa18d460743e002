import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import { outputRenderDefinition, previewProfileName } from '@fenta/graph';
import type { z } from 'zod';
import type { RenderOutput, RenderResult, StoredFile } from '../artifacts/artifact-types';
import { mixAudio } from '../render/mix-audio';
import { getOutputProfile } from '../render/output-profiles';
import { renderOutput } from '../render/render-output';
import type { OutputProfile, Timeline } from '../timeline/timeline-ir';
import { defineNodeType } from './define-node-type';
import type { NodeContext } from './node-context';

const type = outputRenderDefinition.type;

/** Every storage key the timeline reads; with `drafts`, also the clips' draft renditions a draft profile reads. */
function sourcesOf(timeline: Timeline, drafts: boolean): string[] {
  const keys = [
    ...timeline.clips.flatMap((c) => (drafts && c.draftSource ? [c.source, c.draftSource] : [c.source])),
    timeline.audio.voice.source,
    ...(timeline.audio.music ? [timeline.audio.music.source] : []),
    ...(timeline.subtitles ? [timeline.subtitles.source] : []),
    ...(timeline.cover ? [timeline.cover.source] : []),
    ...timeline.overlays.flatMap((o) => (o.kind === 'image' ? [o.source] : [])),
  ];
  return [...new Set(keys)];
}

async function localInputs(ctx: NodeContext, timeline: Timeline, drafts: boolean): Promise<Record<string, string>> {
  const inputs: Record<string, string> = {};
  for (const key of sourcesOf(timeline, drafts)) inputs[key] = await ctx.localFile(key);
  return inputs;
}

/** The timeline's SRT stored as the renders' captions; an empty file when the timeline has none. */
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

/** TIMELINE_TOO_LONG for the first profile whose platforms refuse a video as long as the timeline. */
function checkDurations(timeline: Timeline, profiles: OutputProfile[]): void {
  for (const profile of profiles) {
    if (profile.maxDurationSeconds !== undefined && timeline.durationSeconds > profile.maxDurationSeconds) {
      throw new FentaError('TIMELINE_TOO_LONG', { seconds: timeline.durationSeconds.toFixed(2), profile: profile.name, limit: profile.maxDurationSeconds });
    }
  }
}

/**
 * `Output.Render`: the timeline compiled to one ffmpeg command per output
 * profile and rendered into `video.mp4` with `thumbnail.jpg` beside it, and
 * `captions.srt` shared by all of them. The soundtrack is mixed and brought
 * to the timeline's loudness once, before any video (see mixAudio), and
 * every output encodes it. The main profile's files are the node's own (`…/{node}/video.mp4`); each further profile's and the
 * preview's are under its name (`…/{node}/1x1_1080p/video.mp4`,
 * `…/{node}/preview/video.mp4`). The preview renders first and is recorded
 * as soon as it is stored; it reads each clip's draft rendition where the
 * footage has one (see retargetTimeline). Every profile's length limit is checked before
 * anything is rendered. Nothing of an output is stored until ffmpeg has
 * finished and the file has been probed.
 */
export const outputRenderNode = defineNodeType<z.output<typeof outputRenderDefinition.params>, { timeline: Timeline }, RenderResult>({
  ...outputRenderDefinition,
  rendersOnAllCores: true,
  async run(ctx, inputs, p) {
    const where = { node: ctx.nodeId, type };
    const main = getOutputProfile(p.profile, { preset: p.preset, ...where });
    const others = p.profiles.map((name) => getOutputProfile(name, { preset: p.preset, ...where }));
    // A job whose main profile is the preview already gets it first.
    const preview = p.preview && main.name !== previewProfileName ? getOutputProfile(previewProfileName, where) : undefined;
    checkDurations(inputs.timeline, [main, ...others, ...(preview ? [preview] : [])]);
    if (inputs.timeline.profile.name !== main.name) {
      ctx.log.info('rendering the timeline for another profile than it was built for', { built: inputs.timeline.profile.name, profile: main.name });
    }

    // Stored with the first output's files, so a render that fails before leaves nothing in storage.
    let stored: Promise<StoredFile> | undefined;
    const srt = () => (stored ??= storeSrt(ctx, inputs.timeline));

    // Each output's share of the node's progress, by its pixels per second (the preview is a small part of the wait).
    const plan = [
      ...(preview ? [{ profile: preview, folder: previewProfileName }] : []),
      { profile: main, folder: '' },
      ...others.map((o) => ({ profile: o, folder: o.name })),
    ];
    const media = await localInputs(
      ctx,
      inputs.timeline,
      plan.some(({ profile }) => profile.draft),
    );
    const weights = plan.map(({ profile }) => profile.width * profile.height * profile.fps);
    const total = weights.reduce((a, b) => a + b, 0);
    let done = 0;
    const outputs: RenderOutput[] = [];
    // Mixed and levelled once: every output encodes the same track.
    const audio = await mixAudio(inputs.timeline, { inputs: media, dir: ctx.tempDir, signal: ctx.signal });
    ctx.log.info('audio mixed', {
      measuredLufs: audio.measuredLufs,
      gainDb: audio.gainDb,
      integratedLufs: audio.integratedLufs,
      truePeakDb: audio.truePeakDb,
      gainRounds: audio.gainRounds,
    });
    try {
      for (const [i, step] of plan.entries()) {
        const from = done / total;
        const share = weights[i]! / total;
        const output = await renderOutput(ctx, inputs.timeline, step.profile, {
          folder: step.folder,
          media,
          audio: audio.file,
          srt,
          onProgress: (f) => ctx.progress(from + f * share),
        });
        done += weights[i]!;
        if (step.profile === preview) await ctx.recordPreview?.(output);
        outputs.push(output);
      }
    } finally {
      await rm(audio.file, { force: true });
    }
    ctx.progress(1);
    const [first, ...rest] = preview ? outputs.slice(1) : outputs;
    return { kind: 'render', ...first!, ...(rest.length > 0 ? { outputs: rest } : {}), ...(preview ? { preview: outputs[0]! } : {}) };
  },
});
