import type { CaptionStyle } from '../artifacts/artifact-types';

/** Where and how large captions are drawn in the frame; the ASS style and the line breaking both follow it. */
export interface CaptionGeometry {
  /** Left and right margin: the frame's safe area for text, in pixels. */
  marginX: number;
  /** The widest a line's text may be, in pixels, so that it, its outline or box, and its shadow stay in the safe area. */
  maxLineWidth: number;
  /** ASS BorderStyle: 3 draws an opaque box behind each line, 1 an outline around the glyphs. */
  borderStyle: 1 | 3;
  /** Outline width, or the box's padding around the text, in pixels. */
  outline: number;
  /** Shadow offset in pixels (0: none). */
  shadow: number;
  /** ASS numpad alignment, horizontally centred: 2 bottom, 5 middle, 8 top. */
  alignment: 2 | 5 | 8;
  /** How large the highlighted word grows in the karaoke bounce (1: no bounce). */
  bounceScale: number;
}

// Short-video apps draw their buttons and captions over the frame's edges;
// text kept within the middle 80% of the width stays clear of them.
const safeMarginFraction = 0.1;

/** The geometry of captions in a frame of the given size and style. */
export function captionGeometry(frame: { width: number; height: number }, style: CaptionStyle): CaptionGeometry {
  const marginX = Math.round(frame.width * safeMarginFraction);
  const outline = style.box ? Math.round(style.size * 0.25) : Math.max(2, Math.round(style.size * 0.08));
  const shadow = style.shadow ? Math.max(1, Math.round(style.size * 0.06)) : 0;
  return {
    marginX,
    maxLineWidth: frame.width - 2 * marginX - 2 * outline - shadow,
    borderStyle: style.box ? 3 : 1,
    outline,
    shadow,
    alignment: style.position === 'top' ? 8 : style.position === 'center' ? 5 : 2,
    bounceScale: style.preset === 'karaoke_bounce' ? 1.15 : 1,
  };
}
