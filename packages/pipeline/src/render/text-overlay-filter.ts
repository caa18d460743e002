import type { OutputProfile, TextOverlay } from '../timeline/timeline-ir';
import { singleLineText } from '../subtitles/single-line-text';
import { escapeFilterValue, formatSeconds } from './escape-filter-value';
import { animationSeconds, entranceRemaining, fadeInOut, fadeOut, overlayLayout } from './overlay-layout';

/** `#RRGGBB` → ffmpeg's `0xRRGGBB` (a `#` would also parse, but `0x` reads the same in every ffmpeg version). */
function ffmpegColor(color: string): string {
  return /^#[0-9a-fA-F]{6}$/.test(color) ? `0x${color.slice(1).toUpperCase()}` : color;
}

/** `Inter` from the fontconfig pattern `Inter:bold`. */
function family(pattern: string): string {
  return singleLineText(pattern).split(':')[0]!.trim() || 'Sans';
}

/**
 * One `drawtext` filter for a text overlay: the font file resolved for its
 * pattern (else the pattern's family, regular weight, by fontconfig), text
 * taken literally, shown only between its start and end, with its entrance
 * as an expression on `y` and fades as an expression on `alpha` (which also
 * fades the box). The text comes from a template: `expansion=none` keeps `%`
 * from expanding, every value is escaped for both levels of filter-graph
 * parsing (no quote, colon, comma, semicolon or bracket in it ends the option
 * or the filter), and line breaks and other control characters become spaces
 * (the layout is one line).
 */
export function textOverlayFilter(overlay: TextOverlay, profile: OutputProfile, fontFile?: string): string {
  const layout = overlayLayout(profile);
  const border = Math.round(overlay.size * 0.3);
  // Resting y of the text's top edge; the box extends `border` around it.
  const restingY = {
    top: String(layout.top + border),
    center: '(h-text_h)/2',
    bottom: `h-text_h-${layout.bottom + border}`,
  }[overlay.position];
  const seconds = animationSeconds(overlay.start, overlay.end);
  let y = restingY;
  let alpha: string | undefined;
  if (overlay.animation === 'slide-down') {
    y = `${restingY}-(${restingY}+text_h+${border})*${entranceRemaining(overlay.start, seconds)}`;
    alpha = fadeOut(overlay.end, seconds);
  } else if (overlay.animation === 'slide-up') {
    y = `${restingY}+(h-(${restingY})+${border})*${entranceRemaining(overlay.start, seconds)}`;
    alpha = fadeOut(overlay.end, seconds);
  } else if (overlay.animation === 'fade') {
    alpha = fadeInOut(overlay.start, overlay.end, seconds);
  }
  const options: Array<[string, string]> = [
    fontFile ? ['fontfile', fontFile] : ['font', family(overlay.font)],
    ['expansion', 'none'],
    ['text', singleLineText(overlay.text)],
    ['fontsize', String(overlay.size)],
    ['fontcolor', ffmpegColor(overlay.color)],
    ...(overlay.box
      ? ([
          ['box', '1'],
          ['boxcolor', 'black@0.6'],
          ['boxborderw', String(border)],
        ] as Array<[string, string]>)
      : ([
          ['shadowcolor', 'black@0.6'],
          ['shadowx', '2'],
          ['shadowy', '2'],
        ] as Array<[string, string]>)),
    ['x', '(w-text_w)/2'],
    ['y', y],
    ...(alpha ? ([['alpha', alpha]] as Array<[string, string]>) : []),
    ['enable', `between(t,${formatSeconds(overlay.start)},${formatSeconds(overlay.end)})`],
  ];
  return `drawtext=${options.map(([key, value]) => `${key}=${escapeFilterValue(value)}`).join(':')}`;
}
