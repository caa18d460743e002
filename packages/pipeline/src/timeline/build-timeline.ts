import { FentaError } from '@fenta/core';
import type { Captions, Footage } from '../artifacts/artifact-types';
import { assignClips } from './assign-clips';
import { buildOverlays, type PlaceholderMedia } from './build-overlays';
import { checkTimelineLimits } from './check-timeline-limits';
import { placeCover } from './place-cover';
import { planScenes, toFrame } from './plan-scenes';
import { thumbnailTime } from './thumbnail-time';
import type { TemplateSpec } from '@fenta/graph';
import type { OutputProfile, Timeline } from './timeline-ir';

export interface BuildTimelineInput {
  footage: Footage;
  /** The captions, which carry the speech they caption. */
  captions: Captions;
  spec: TemplateSpec;
  profile: OutputProfile;
  /** The frame the template's pixel sizes are meant for (its `resolution`); defaults to the profile's. */
  templateFrame?: { width: number; height: number };
  /** Storage keys of the job's media for the template's placeholders (`music`, `logo`, `cover`). */
  placeholders?: PlaceholderMedia;
  /** Silence after the last word, so the video does not cut off mid-breath. */
  tailSeconds?: number;
  /** For error messages. */
  nodeId?: string;
}

/** Music sits this far under the narration before ducking and loudness normalisation. */
export const musicGainDb = -12;
/** Integrated loudness of the mix, LUFS: what TikTok, Reels and Shorts play at. */
export const targetLoudnessLufs = -14;

/**
 * The timeline for one video: the speech's length plus a short tail, footage
 * cut on sentence starts within the template's scene rules, the template's
 * overlays and subtitle layer, the job's cover as the template shows it (see
 * placeCover), the narration with optional music under it, and the
 * thumbnail's time (see thumbnailTime).
 * Pure: the same input always gives the same timeline.
 *
 * A timeline past a render limit is refused (TIMELINE_TOO_LARGE, see
 * timelineLimits) here, where the job can still be fixed, not at render.
 */
export function buildTimeline(input: BuildTimelineInput): Timeline {
  const { footage, captions, spec, profile } = input;
  const speech = captions.speech;
  const invalid = (reason: string) => new FentaError('NODE_INPUT_INVALID', { node: input.nodeId ?? '-', type: 'Edit.Timeline', reason });
  if (!(speech.durationSeconds > 0)) throw invalid(`the speech has no duration (${speech.durationSeconds} s)`);
  if (footage.clips.length === 0) throw invalid('there is no footage to cut');

  const fps = profile.fps;
  // Rounded up to a whole frame so the video and the audio end together.
  const durationSeconds = Math.ceil((speech.durationSeconds + (input.tailSeconds ?? 0.5)) * fps - 1e-6) / fps;
  const scenes = planScenes(speech.sentences, durationSeconds, { minScene: spec.rules.min_scene, maxScene: spec.rules.max_scene }, fps);
  const clips = assignClips(scenes, footage.clips, fps);
  if (clips.length === 0) throw invalid('every footage clip is shorter than one frame');

  const placeholders = input.placeholders ?? {};
  const overlays = buildOverlays({
    spec,
    profile,
    templateFrame: input.templateFrame ?? { width: profile.width, height: profile.height },
    duration: durationSeconds,
    placeholders,
  });
  const subtitleTrack = spec.tracks.find((t) => t.type === 'subtitle');
  const music = placeholders.music;
  const firstScene = scenes[0]!;
  const cover = placeCover(spec.cover, placeholders.cover, durationSeconds, fps);

  const timeline: Timeline = {
    kind: 'timeline',
    profile,
    durationSeconds,
    clips,
    overlays,
    ...(cover ? { cover } : {}),
    ...(subtitleTrack ? { subtitles: { source: captions.ass.key, z: subtitleTrack.z } } : {}),
    audio: {
      voice: { source: speech.audio.key, gainDb: 0 },
      ...(music ? { music: { source: music, gainDb: musicGainDb, duck: true } } : {}),
      loudnessLufs: targetLoudnessLufs,
    },
    srt: captions.srt.key,
    thumbnailAt: thumbnailTime({ preferred: toFrame((firstScene.start + firstScene.end) / 2, fps), overlays, cover, fps }),
  };
  checkTimelineLimits(timeline, captions.cues);
  return timeline;
}
