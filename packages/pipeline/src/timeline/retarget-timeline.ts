import type { OutputProfile, Timeline } from './timeline-ir';

/**
 * The timeline for another output profile: the same cuts, audio and layers,
 * with text sizes (pixels at the output height) scaled to the new frame.
 * Positions need no change: the compiler places layers relative to the frame.
 * A draft profile reads each clip's smaller rendition where the footage has
 * one: decoding the sources is most of a draft's work.
 */
export function retargetTimeline(timeline: Timeline, profile: OutputProfile): Timeline {
  const from = timeline.profile;
  const clips = profile.draft ? timeline.clips.map(({ draftSource, ...clip }) => (draftSource ? { ...clip, source: draftSource } : clip)) : timeline.clips;
  if (from.width === profile.width && from.height === profile.height) return { ...timeline, profile, clips };
  const scale = Math.min(profile.width / from.width, profile.height / from.height);
  return {
    ...timeline,
    profile,
    clips,
    overlays: timeline.overlays.map((o) => (o.kind === 'text' ? { ...o, size: Math.max(8, Math.round(o.size * scale)) } : o)),
  };
}
