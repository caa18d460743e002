import { assScript } from '../subtitles/ass-script';
import type { CaptionFonts } from '../subtitles/caption-fonts';
import { assColour, assFontName, assRunsText } from '../subtitles/ass-text';
import { formatAssTime } from '../subtitles/caption-timestamps';
import { singleLineText } from '../subtitles/single-line-text';
import type { OutputProfile, TextOverlay } from '../timeline/timeline-ir';
import { fitTextInBox, type TextBox } from './fit-text-in-box';
import { parseFontPattern } from './font-pattern';
import { animationSeconds } from './overlay-animation';
import { centredRect, safeArea } from './safe-area';

/** What the overlays' ASS script is written from. */
export interface TextOverlayAssInput {
  overlays: TextOverlay[];
  profile: OutputProfile;
  /** The loaded fonts of a family (the family of each overlay's pattern), for runs and widths. */
  fonts(family: string): CaptionFonts;
  /** Where text may be drawn; the frame's safe area, centred (see overlayArea), unless told. */
  area?: TextBox;
}

// Widths come from font metrics, which match libass within a few pixels; 2% keeps text off the area's edge.
const widthSafety = 1.02;
// A headline of more lines than this is drawn smaller instead.
const maxLines = 3;

/**
 * Where overlays are drawn when no other area is given: the profile's safe
 * area (see safeArea) made symmetric, since headlines are centred. With
 * `platformZones: false` (a template that opted out) only the title-safe margins.
 */
export function overlayArea(profile: OutputProfile, options: { platformZones?: boolean } = {}): TextBox {
  return centredRect(safeArea(profile, options), profile);
}

/**
 * An ASS script drawing text overlays, burned by libass like the captions:
 * so every character gets a font that has it (the fonts' fallback runs, then
 * libass's own per-glyph fallback), Arabic and Devanagari are shaped
 * (HarfBuzz) and right-to-left text ordered (FriBidi). Each overlay is fitted
 * into the area (see fitTextInBox: wrapped onto balanced lines, smaller when
 * it must be), at its position, with its entrance (`\move`), fades (`\fad`),
 * and a translucent box drawn behind it as one shape (the boxes libass draws
 * per glyph run would overlap darker), or a shadow. Later overlays are drawn
 * above earlier ones.
 */
export function writeTextOverlayAss(input: TextOverlayAssInput): string {
  const { profile } = input;
  const area = input.area ?? overlayArea(profile);
  const events = input.overlays.flatMap((overlay, i) => overlayEvents(overlay, i, input.fonts(parseFontPattern(overlay.font).family), area, profile));
  return assScript({
    about: 'Text overlays laid out for this frame: lines are already broken to fit it.',
    width: profile.width,
    height: profile.height,
    styles: ['Style: Overlay,Sans,48,&H00FFFFFF,&H00FFFFFF,&H00000000,&H66000000,0,0,0,0,100,100,0,0,1,0,0,8,0,0,0,1'],
    events,
  });
}

function overlayEvents(overlay: TextOverlay, index: number, fonts: CaptionFonts, area: TextBox, profile: OutputProfile): string[] {
  const pattern = parseFontPattern(overlay.font);
  // Template sizes are the em in pixels (as drawtext and CSS size text); an ASS size spans the font's ascent and descent.
  const emPerSize = fonts.emPixels(1);
  const wanted = Math.max(1, Math.round(overlay.size / emPerSize));
  const padding = (size: number) => (overlay.box ? Math.round(size * emPerSize * 0.3) : Math.max(1, Math.round(size * 0.05)));
  const fit = fitTextInBox(singleLineText(overlay.text), area, {
    size: wanted,
    minSize: Math.max(1, Math.round(wanted * 0.5)),
    maxLines,
    padding,
    width: (text, size) => fonts.width(text, size) * widthSafety,
  });
  if (fit.lines.length === 0) return [];
  const pad = padding(fit.size);
  const height = fit.lines.length * fit.size;
  const x = Math.round(area.x + area.width / 2);
  const top = Math.round(
    overlay.position === 'top' ? area.y + pad : overlay.position === 'bottom' ? area.y + area.height - pad - height : area.y + (area.height - height) / 2,
  );
  const ms = Math.round(animationSeconds(overlay.start, overlay.end) * 1000);
  // Slides start just outside the frame: above it (down) or below it (up), box included.
  const from = overlay.animation === 'slide-down' ? -(height + pad) : overlay.animation === 'slide-up' ? profile.height + pad : top;
  const place = (px: number, py: number) => (from === top ? `\\pos(${px},${py})` : `\\move(${px},${py - top + from},${px},${py},0,${ms})`);
  const fade = overlay.animation === 'fade' ? `\\fad(${ms},${ms})` : overlay.animation === 'none' ? '' : `\\fad(0,${ms})`;
  const dialogue = (layer: number, text: string) => `Dialogue: ${layer},${formatAssTime(overlay.start)},${formatAssTime(overlay.end)},Overlay,,0,0,0,,${text}`;

  const font = assFontName(pattern.family);
  const colour = `${assColour(overlay.color).replace(/^&H00/, '&H')}&`;
  const look = overlay.box ? '\\bord0\\shad0' : `\\bord0\\shad${pad}\\4c&H000000&\\4a&H66&`;
  const body = fit.lines.map((line) => assRunsText(fonts.runs(line), pattern.family)).join('\\N');
  const text = dialogue(
    2 * index + 1,
    `{\\an8${place(x, top)}${fade}\\fn${font}\\fs${fit.size}\\b${pattern.weight}\\i${pattern.italic ? 1 : 0}\\1c${colour}${look}}${body}`,
  );
  if (!overlay.box) return [text];
  const boxWidth = Math.round(fit.widest + 2 * pad);
  const boxHeight = height + 2 * pad;
  const box = dialogue(
    2 * index,
    `{\\an7${place(Math.round(x - boxWidth / 2), top - pad)}${fade}\\bord0\\shad0\\1c&H000000&\\1a&H66&\\p1}m 0 0 l ${boxWidth} 0 ${boxWidth} ${boxHeight} 0 ${boxHeight}{\\p0}`,
  );
  return [box, text];
}
