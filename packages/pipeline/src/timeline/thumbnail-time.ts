import { animationSeconds } from '../render/overlay-animation';
import type { TextOverlay, TimelineCover, TimelineOverlay } from './timeline-ir';

/** A run of frames, first and last included. */
interface Frames {
  first: number;
  last: number;
}

/**
 * The frames in which a text overlay is fully on screen: after its entrance
 * (a slide or fade of animationSeconds, as the overlay's ASS script draws it)
 * and before its exit fade (every animation but `none` fades out over the same
 * time). One frame is kept clear of each edge, since ASS times are in
 * centiseconds and an edge may move by a few milliseconds.
 */
function fullyShown(overlay: TextOverlay, fps: number): Frames {
  const moving = overlay.animation === 'none' ? 0 : animationSeconds(overlay.start, overlay.end);
  const first = Math.ceil((overlay.start + moving) * fps - 1e-6);
  const last = Math.ceil((overlay.end - moving) * fps - 1e-6) - 1;
  return inside({ first, last });
}

/** The run one frame clear of each edge, or its middle frame when it is too short for that. */
function inside(run: Frames): Frames {
  if (run.last - run.first >= 2) return { first: run.first + 1, last: run.last - 1 };
  const middle = Math.floor((run.first + run.last) / 2);
  return { first: middle, last: middle };
}

function overlap(a: Frames, b: Frames): Frames | undefined {
  const run = { first: Math.max(a.first, b.first), last: Math.min(a.last, b.last) };
  return run.first <= run.last ? run : undefined;
}

/**
 * When the thumbnail is taken, seconds: a frame with the headline (the text
 * overlay that starts first) fully on screen, and on the cover when the cover
 * is shown while the headline is (the job's chosen picture with the
 * headline on it); else a frame of the cover when the template has no
 * headline. Within those frames it is the one nearest `preferred` (the middle
 * of the first scene: the opening, on footage, away from a cut), which is
 * also the thumbnail when there is neither a headline nor a cover.
 */
export function thumbnailTime(options: { preferred: number; overlays: TimelineOverlay[]; cover?: TimelineCover; fps: number }): number {
  const { fps } = options;
  const texts = options.overlays.filter((o): o is TextOverlay => o.kind === 'text');
  // Array.prototype.sort is stable: of headlines starting together, the template's first.
  const headline = texts.sort((a, b) => a.start - b.start)[0];
  const shown = headline ? fullyShown(headline, fps) : undefined;
  const onCover = options.cover ? inside({ first: 0, last: Math.round(options.cover.end * fps) - 1 }) : undefined;
  const frames = (shown && onCover && overlap(shown, onCover)) ?? shown ?? onCover;
  const preferred = Math.round(options.preferred * fps);
  if (!frames) return preferred / fps;
  return Math.min(Math.max(preferred, frames.first), frames.last) / fps;
}
