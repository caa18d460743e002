import type { OutputProfile, Timeline } from './timeline-ir';

/**
 * The timeline for another output profile: the same cuts, audio and layers,
 * with text sizes (pixels at the output height) scaled to the new frame.
 * Positions need no change: the compiler places layers relative to the frame.
 */
export function retargetTimeline(timeline: Timeline, profile: OutputProfile): Timeline {
  const from = timeline.profile;
  if (from.width === profile.width && from.height === profile.height) return { ...timeline, profile };
  const scale = Math.min(profile.width / from.width, profile.height / from.height);
  return {
    ...timeline,
    profile,
    overlays: timeline.overlays.map((o) => (o.kind === 'text' ? { ...o, size: Math.max(8, Math.round(o.size * scale)) } : o)),
  };
}
