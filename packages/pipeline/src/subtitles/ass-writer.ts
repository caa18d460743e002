import type { CaptionCue, CaptionStyle } from '../artifacts/artifact-types';
import { formatAssTime } from './caption-timestamps';
import type { CaptionGeometry } from './caption-geometry';
import type { FontRun } from './caption-fonts';
import { singleLineText } from './single-line-text';

/** What an ASS script is written from. */
export interface AssInput {
  cues: CaptionCue[];
  style: CaptionStyle;
  frame: { width: number; height: number };
  geometry: CaptionGeometry;
  /** Splits text into runs per font family, for characters the style's font lacks; one run in the style's font when absent. */
  fontRuns?: (text: string) => FontRun[];
}

/** The style every event uses. */
export const assStyleName = 'Caption';

// The bounce of the highlighted word: it grows over the first part of its time, then settles back.
const bounceGrowMs = 90;
const bounceSettleMs = 180;

/**
 * A complete ASS script: `[Script Info]` with the frame as PlayResX/PlayResY,
 * one style in `[V4+ Styles]`, and `[Events]`. `clean_box` has one event per
 * cue; `karaoke_bounce` one per word, from the word's start to its end, with
 * that word in the highlight colour and bouncing (`\t` scale), plus plain
 * events for the gaps between words so the cue stays on screen.
 */
export function writeAss(input: AssInput): string {
  const { style, frame, geometry } = input;
  const font = assFontName(style.font);
  const runs = input.fontRuns ?? ((text: string) => [{ text, family: style.font }]);
  const line = (text: string) =>
    runs(text)
      .map((run) => (run.family === style.font ? escapeAssText(run.text) : `{\\fn${assFontName(run.family)}}${escapeAssText(run.text)}{\\fn${font}}`))
      .join('');

  const dialogue = (start: number, end: number, text: string) => `Dialogue: 0,${formatAssTime(start)},${formatAssTime(end)},${assStyleName},,0,0,0,,${text}`;
  const events: string[] = [];
  for (const cue of input.cues) {
    if (style.preset === 'clean_box') {
      events.push(dialogue(cue.start, cue.end, cue.lines.map(line).join('\\N')));
      continue;
    }
    const lineWords = wordsPerLine(cue);
    const text = (highlight: number | undefined, durationMs: number) => {
      let index = 0;
      return lineWords
        .map((count) => {
          const words: string[] = [];
          for (let k = 0; k < count; k += 1, index += 1) {
            const word = line(cue.words[index]!.word);
            words.push(index === highlight ? `${highlightTags(style, geometry, durationMs)}${word}{\\r}` : word);
          }
          return words.join(' ');
        })
        .join('\\N');
    };
    cue.words.forEach((word, i) => {
      const previousEnd = i === 0 ? cue.start : cue.words[i - 1]!.end;
      if (formatAssTime(previousEnd) < formatAssTime(word.start)) events.push(dialogue(previousEnd, word.start, text(undefined, 0)));
      if (formatAssTime(word.start) < formatAssTime(word.end)) events.push(dialogue(word.start, word.end, text(i, Math.round((word.end - word.start) * 1000))));
    });
  }

  return [
    '[Script Info]',
    '; Captions laid out for this frame: lines are already broken to fit it.',
    'ScriptType: v4.00+',
    `PlayResX: ${frame.width}`,
    `PlayResY: ${frame.height}`,
    'WrapStyle: 2',
    'ScaledBorderAndShadow: yes',
    'YCbCr Matrix: None',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    assStyleLine(style, geometry),
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...events,
    '',
  ].join('\n');
}

/** The `Style:` line: bold text in the style's font, size and colour; a black box (BorderStyle 3) or outline; margins from the geometry. */
export function assStyleLine(style: CaptionStyle, geometry: CaptionGeometry): string {
  return [
    `Style: ${assStyleName}`,
    assFontName(style.font),
    style.size,
    assColour(style.color),
    assColour(style.highlightColor),
    // The outline, or with BorderStyle 3 the box: opaque, because libass draws
    // one box per run of glyphs (a font or colour change starts a new run) and
    // translucent boxes would show darker seams where they overlap.
    '&H00000000',
    '&H80000000',
    -1,
    0,
    0,
    0,
    100,
    100,
    0,
    0,
    geometry.borderStyle,
    geometry.outline,
    geometry.shadow,
    geometry.alignment,
    geometry.marginX,
    geometry.marginX,
    style.margin,
    1,
  ].join(',');
}

function highlightTags(style: CaptionStyle, geometry: CaptionGeometry, durationMs: number): string {
  const colour = `\\1c${assColour(style.highlightColor).replace(/^&H00/, '&H')}&`;
  if (geometry.bounceScale === 1) return `{${colour}}`;
  const grow = Math.min(bounceGrowMs, Math.round(durationMs / 2));
  const settle = Math.min(bounceSettleMs, durationMs);
  const scale = Math.round(geometry.bounceScale * 100);
  return `{${colour}\\t(0,${grow},\\fscx${scale}\\fscy${scale})\\t(${grow},${settle},\\fscx100\\fscy100)}`;
}

/** How many of the cue's words are on each of its lines (lines are its words joined by spaces). */
function wordsPerLine(cue: CaptionCue): number[] {
  const counts: number[] = [];
  let index = 0;
  for (const text of cue.lines) {
    let joined = '';
    let count = 0;
    while (index < cue.words.length && joined.length < text.length) {
      joined += (count > 0 ? ' ' : '') + cue.words[index]!.word;
      count += 1;
      index += 1;
    }
    counts.push(count);
  }
  return counts;
}

/** `#RRGGBB` as ASS writes colours: `&HAABBGGRR`, alpha 00 (opaque). */
function assColour(hex: string): string {
  const rgb = hex.replace('#', '').toUpperCase();
  return `&H00${rgb.slice(4, 6)}${rgb.slice(2, 4)}${rgb.slice(0, 2)}`;
}

/** A family name as the comma-separated Style line and `\fn` tags can hold it, on one line. */
function assFontName(family: string): string {
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
function escapeAssText(text: string): string {
  return singleLineText(text).replace(/\\/g, '\\\u2060').replace(/\{/g, '\\{').replace(/\}/g, '\\}');
}
