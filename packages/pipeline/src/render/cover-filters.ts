import type { OutputProfile, TimelineCover } from '../timeline/timeline-ir';
import { escapeFilterValue } from './escape-filter-value';
import { cropToFrameAspect } from './footage-graph';

/** What the cover needs: how to prepare the image, and the `overlay` filter that lays it over the footage. */
export interface CoverFilters {
  prepare: string;
  overlay: string;
}

/**
 * The cover image cropped to the frame's aspect and scaled to fill it, as
 * footage is, then laid over the first frames of the footage. The image is
 * decoded once: `overlay` repeats its one frame, and is enabled by frame
 * number (`n`), so the cover covers exactly `end * fps` frames whatever the
 * rounding of times.
 */
export function coverFilters(cover: TimelineCover, profile: OutputProfile): CoverFilters {
  const frames = Math.round(cover.end * profile.fps);
  return {
    // yuv420p as the footage: the cover replaces the frame's pixels, with nothing to blend.
    prepare: [cropToFrameAspect(profile), `scale=${profile.width}:${profile.height}`, 'setsar=1', 'format=yuv420p'].join(','),
    overlay: `overlay=enable=${escapeFilterValue(`lt(n,${frames})`)}`,
  };
}
