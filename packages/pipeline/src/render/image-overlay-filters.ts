import type { ImageOverlay, OutputProfile } from '../timeline/timeline-ir';
import { escapeFilterValue, formatSeconds } from './escape-filter-value';
import { animationSeconds, entranceRemaining } from './overlay-animation';
import { centredRect, safeArea, type FrameRect, type SafeArea } from './safe-area';

/** What an image overlay needs: how to read the image, how to prepare it, and how to lay it over the frame. */
export interface ImageOverlayFilters {
  /** Input options before `-i`: the image's one frame lasts one output frame, so a repeated (faded) image is a stream at the output's rate. */
  inputOptions: string[];
  /** Filters applied to the image input alone (scale to width, alpha, and for a fade: repeat, fades). */
  prepare: string;
  /** The `overlay` filter that places it. */
  overlay: string;
}

/** Whether an image is centred across the frame (`top`, `center`, `bottom`) rather than set in a corner. */
function centred(overlay: Pick<ImageOverlay, 'position'>): boolean {
  return overlay.position === 'top' || overlay.position === 'center' || overlay.position === 'bottom';
}

/**
 * The rectangle an image is placed in: the safe area for a corner, its
 * centred part for an image centred across the frame (so that it clears the
 * right button column as well as the left margin).
 */
export function imageOverlayRect(overlay: Pick<ImageOverlay, 'position'>, profile: OutputProfile, area: SafeArea): FrameRect {
  return centred(overlay) ? centredRect(area, profile) : area.rect;
}

/** Width in pixels, even (yuv420p needs even sizes), and no wider than the rectangle it is placed in. */
function imageWidth(overlay: ImageOverlay, profile: OutputProfile, rect: FrameRect): number {
  return Math.max(2, Math.floor(Math.min(profile.width * overlay.widthFraction, rect.width) / 2) * 2);
}

/**
 * The filters for an image overlay (a logo, a sticker) between its start and
 * end, placed at its position in the safe area: a corner of it, or centred in
 * it (see imageOverlayRect).
 */
export function imageOverlayFilters(
  overlay: ImageOverlay,
  profile: OutputProfile,
  durationSeconds: number,
  area: SafeArea = safeArea(profile),
): ImageOverlayFilters {
  const rect = imageOverlayRect(overlay, profile, area);
  const left = String(rect.x);
  const right = `${rect.x + rect.width}-overlay_w`;
  const top = String(rect.y);
  const bottom = `${rect.y + rect.height}-overlay_h`;
  const x = centred(overlay) ? '(main_w-overlay_w)/2' : overlay.position.endsWith('left') ? left : right;
  const restingY = {
    top,
    'top-left': top,
    'top-right': top,
    center: `${rect.y}+(${rect.height}-overlay_h)/2`,
    bottom,
    'bottom-left': bottom,
    'bottom-right': bottom,
  }[overlay.position];
  const seconds = animationSeconds(overlay.start, overlay.end);
  const moving = overlay.animation === 'slide-down' || overlay.animation === 'slide-up';
  let y = restingY;
  if (overlay.animation === 'slide-down') y = `${restingY}-(${restingY}+overlay_h)*${entranceRemaining(overlay.start, seconds)}`;
  if (overlay.animation === 'slide-up') y = `${restingY}+(main_h-(${restingY}))*${entranceRemaining(overlay.start, seconds)}`;
  const fading = overlay.animation === 'fade';
  const prepare = [`scale=${imageWidth(overlay, profile, rect)}:-2`, 'format=rgba'];
  if (fading) {
    // A fade needs a frame per output frame. The image is decoded and scaled
    // once and then repeated by `loop`: reading it with `-loop 1` decoded and
    // scaled the file again for every frame, which for a large PNG logo
    // cost more than the rest of the picture. The frames are the same.
    prepare.push(`loop=loop=${Math.max(0, Math.round(durationSeconds * profile.fps) - 1)}:size=1`);
    // geq on alpha would be slower; `fade` with alpha=1 fades only the alpha plane.
    prepare.push(`fade=t=in:st=${formatSeconds(overlay.start)}:d=${formatSeconds(seconds)}:alpha=1`);
    prepare.push(`fade=t=out:st=${formatSeconds(overlay.end - seconds)}:d=${formatSeconds(seconds)}:alpha=1`);
  }
  const options: Array<[string, string]> = [
    ['x', x],
    ['y', y],
    ...(moving ? ([['eval', 'frame']] as Array<[string, string]>) : []),
    ['enable', `between(t,${formatSeconds(overlay.start)},${formatSeconds(overlay.end)})`],
  ];
  return {
    inputOptions: fading ? ['-framerate', String(profile.fps)] : [],
    prepare: prepare.join(','),
    overlay: `overlay=${options.map(([key, value]) => `${key}=${escapeFilterValue(value)}`).join(':')}`,
  };
}
