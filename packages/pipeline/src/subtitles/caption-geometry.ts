import type { CaptionStyle } from '../artifacts/artifact-types';
import { centredRect, safeArea, zoneAt } from '../render/safe-area';

/** Where and how large captions are drawn in the frame; the ASS style and the line breaking both follow it. */
export interface CaptionGeometry {
  /** Left and right margin: the frame's safe area made symmetric (centred lines stay centred), in pixels. */
  marginX: number;
  /**
   * The ASS vertical margin: from the frame's bottom (or top) edge to the
   * lines, in pixels. The style's margin, or more when that would draw the
   * caption's box, outline or shadow into the zone along that edge (a centred
   * caption's is the style's: libass centres it in the frame).
   */
  marginV: number;
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

/**
 * The geometry of captions in a frame of the given size and style, inside the
 * frame's safe area (see safeArea); `platformZones: false` (a template that
 * opted out) keeps only the title-safe margins at the sides and the style's
 * own vertical margin.
 */
export function captionGeometry(frame: { width: number; height: number }, style: CaptionStyle, options: { platformZones?: boolean } = {}): CaptionGeometry {
  const area = safeArea(frame, options);
  const marginX = centredRect(area, frame).x;
  const outline = style.box ? Math.round(style.size * 0.25) : Math.max(2, Math.round(style.size * 0.08));
  const shadow = style.shadow ? Math.max(1, Math.round(style.size * 0.06)) : 0;
  // The box or outline reaches `outline` past the line on each side, and the shadow `shadow` further down.
  const clear =
    (options.platformZones ?? true)
      ? { bottom: zoneAt(area, 'bottom').rect.height + outline + shadow, top: zoneAt(area, 'top').rect.height + outline }
      : { bottom: 0, top: 0 };
  const marginV = style.position === 'center' ? style.margin : Math.max(style.margin, clear[style.position]);
  return {
    marginX,
    marginV,
    maxLineWidth: frame.width - 2 * marginX - 2 * outline - shadow,
    borderStyle: style.box ? 3 : 1,
    outline,
    shadow,
    alignment: style.position === 'top' ? 8 : style.position === 'center' ? 5 : 2,
    bounceScale: style.preset === 'karaoke_bounce' ? 1.15 : 1,
  };
}
