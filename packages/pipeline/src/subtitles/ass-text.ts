import type { FontRun } from './caption-fonts';
import { singleLineText } from './single-line-text';

/** `#RRGGBB` as ASS writes colours: `&HAABBGGRR`, alpha 00 (opaque). */
export function assColour(hex: string): string {
  const rgb = hex.replace('#', '').toUpperCase();
  return `&H00${rgb.slice(4, 6)}${rgb.slice(2, 4)}${rgb.slice(0, 2)}`;
}

/** A family name as the comma-separated Style line and `\fn` tags can hold it, on one line. */
export function assFontName(family: string): string {
  return singleLineText(family)
    .replace(/[,{}\\]/g, ' ')
    .trim();
}

/**
 * Caption text that can only be drawn: on one line (a line break would end
 * the event and start another), braces escaped as libass reads them (`\{`,
 * `\}`: no override block opens), and a word joiner after each backslash so
 * that none starts an escape or a tag (`\N`, `\h`, or one run's `\` before
 * the next run's `{\fn…}`).
 */
export function escapeAssText(text: string): string {
  return singleLineText(text).replace(/\\/g, '\\\u2060').replace(/\{/g, '\\{').replace(/\}/g, '\\}');
}

/** Text drawn in runs of font families: each run not in `family` switched to its own (`\fn`) and back after it. */
export function assRunsText(runs: FontRun[], family: string): string {
  const font = assFontName(family);
  return runs
    .map((run) => (run.family === family ? escapeAssText(run.text) : `{\\fn${assFontName(run.family)}}${escapeAssText(run.text)}{\\fn${font}}`))
    .join('');
}
