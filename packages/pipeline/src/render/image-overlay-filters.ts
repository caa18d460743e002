import type { ImageOverlay, OutputProfile } from '../timeline/timeline-ir';
import { escapeFilterValue, formatSeconds } from './escape-filter-value';
import { animationSeconds, entranceRemaining, overlayLayout } from './overlay-layout';

/** What an image overlay needs: how to read the image, how to prepare it, and how to lay it over the frame. */
export interface ImageOverlayFilters {
  /** Input options before `-i`: the image's one frame lasts one output frame, so a repeated (faded) image is a stream at the output's rate. */
  inputOptions: string[];
  /** Filters applied to the image input alone (scale to width, alpha, and for a fade: repeat, fades). */
  prepare: string;
  /** The `overlay` filter that places it. */
  overlay: string;
}

/** Width in pixels, even (yuv420p needs even sizes). */
function imageWidth(overlay: ImageOverlay, profile: OutputProfile): number {
  return Math.max(2, Math.round((profile.width * overlay.widthFraction) / 2) * 2);
}

/** The filters for an image overlay (a logo, a sticker) between its start and end. */
export function imageOverlayFilters(overlay: ImageOverlay, profile: OutputProfile, durationSeconds: number): ImageOverlayFilters {
  const layout = overlayLayout(profile);
  const x = {
    top: '(main_w-overlay_w)/2',
    center: '(main_w-overlay_w)/2',
    bottom: '(main_w-overlay_w)/2',
    'top-left': String(layout.side),
    'bottom-left': String(layout.side),
    'top-right': `main_w-overlay_w-${layout.side}`,
    'bottom-right': `main_w-overlay_w-${layout.side}`,
  }[overlay.position];
  const restingY = {
    top: String(layout.top),
    'top-left': String(layout.top),
    'top-right': String(layout.top),
    center: '(main_h-overlay_h)/2',
    bottom: `main_h-overlay_h-${layout.bottom}`,
    'bottom-left': `main_h-overlay_h-${layout.bottom}`,
    'bottom-right': `main_h-overlay_h-${layout.bottom}`,
  }[overlay.position];
  const seconds = animationSeconds(overlay.start, overlay.end);
  const moving = overlay.animation === 'slide-down' || overlay.animation === 'slide-up';
  let y = restingY;
  if (overlay.animation === 'slide-down') y = `${restingY}-(${restingY}+overlay_h)*${entranceRemaining(overlay.start, seconds)}`;
  if (overlay.animation === 'slide-up') y = `${restingY}+(main_h-(${restingY}))*${entranceRemaining(overlay.start, seconds)}`;
  const fading = overlay.animation === 'fade';
  const prepare = [`scale=${imageWidth(overlay, profile)}:-2`, 'format=rgba'];
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
