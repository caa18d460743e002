// Control characters (C0, DEL, C1) and Unicode's line and paragraph separators.
const breaksAndControls = /[\p{Cc}\u2028\u2029]+/gu;

/**
 * Text from a script or a template made one line of plain characters: each
 * run of line breaks, tabs and other control characters becomes one space.
 * Caption and overlay text is written into line-based files (an ASS event,
 * an SRT or WebVTT cue are one line each), so a line break in a word would
 * end the event and let the rest of the word start a new one; and a NUL
 * cannot go into a program's argument at all.
 */
export function singleLineText(text: string): string {
  return text.replace(breaksAndControls, ' ');
}
