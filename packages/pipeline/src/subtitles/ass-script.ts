/** What one ASS script holds: the frame it is laid out for, its styles and its events. */
export interface AssScriptParts {
  /** A comment line saying what the script draws. */
  about: string;
  width: number;
  height: number;
  /** `Style:` lines. */
  styles: string[];
  /** `Dialogue:` lines, in drawing order. */
  events: string[];
}

/**
 * An ASS script for libass, the one layout captions and text overlays share:
 * the play resolution is the frame (so sizes and positions are pixels), lines
 * are never wrapped by libass (WrapStyle 2: the text comes broken to fit),
 * borders scale with the frame and colours are not converted.
 */
export function assScript(parts: AssScriptParts): string {
  return [
    '[Script Info]',
    `; ${parts.about}`,
    'ScriptType: v4.00+',
    `PlayResX: ${parts.width}`,
    `PlayResY: ${parts.height}`,
    'WrapStyle: 2',
    'ScaledBorderAndShadow: yes',
    'YCbCr Matrix: None',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    ...parts.styles,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...parts.events,
    '',
  ].join('\n');
}
