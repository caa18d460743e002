import type { CaptionCue, CaptionStyle } from '../artifacts/artifact-types';
import { formatAssTime } from './caption-timestamps';
import type { CaptionGeometry } from './caption-geometry';
import type { FontRun } from './caption-fonts';
import { assColour, assFontName, assRunsText } from './ass-text';
import { joinWords, spaceBetween } from '../text/join-words';
import { assScript } from './ass-script';

/** What an ASS script is written from. */
export interface AssInput {
  cues: CaptionCue[];
  style: CaptionStyle;
  frame: { width: number; height: number };
  geometry: CaptionGeometry;
  /** Splits text into runs per font family, for characters the style's font lacks; one run in the style's font when absent. */
  fontRuns?: (text: string) => FontRun[];
  /** The drawn width of a line of these words, as the cue layout measured it (CueLayout.lineWidth); with it, a cue with a line wider than the geometry's maxLineWidth is drawn smaller to fit. */
  lineWidth?: (words: string[]) => number;
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
  const runs = input.fontRuns ?? ((text: string) => [{ text, family: style.font }]);
  const line = (text: string) => assRunsText(runs(text), style.font);

  const dialogue = (start: number, end: number, text: string) => `Dialogue: 0,${formatAssTime(start)},${formatAssTime(end)},${assStyleName},,0,0,0,,${text}`;
  const events: string[] = [];
  for (const cue of input.cues) {
    const lineWords = wordsPerLine(cue);
    const scale = fitScale(cue, lineWords, geometry.maxLineWidth, input.lineWidth);
    // `\r` (after a highlighted word) resets to the style, so the cue's scale is set again after it.
    const scaleTags = scale === 1 ? '' : `{\\fscx${Math.floor(scale * 100)}\\fscy${Math.floor(scale * 100)}}`;
    if (style.preset === 'clean_box') {
      events.push(dialogue(cue.start, cue.end, scaleTags + cue.lines.map(line).join('\\N')));
      continue;
    }
    const text = (highlight: number | undefined, durationMs: number) => {
      let index = 0;
      return (
        scaleTags +
        lineWords
          .map((count) => {
            let joined = '';
            for (let k = 0; k < count; k += 1, index += 1) {
              const raw = cue.words[index]!.word;
              const word = line(raw);
              if (k > 0 && spaceBetween(cue.words[index - 1]!.word, raw)) joined += ' ';
              joined += index === highlight ? `${highlightTags(style, geometry, durationMs, scale)}${word}{\\r}${scaleTags}` : word;
            }
            return joined;
          })
          .join('\\N')
      );
    };
    cue.words.forEach((word, i) => {
      const previousEnd = i === 0 ? cue.start : cue.words[i - 1]!.end;
      if (formatAssTime(previousEnd) < formatAssTime(word.start)) events.push(dialogue(previousEnd, word.start, text(undefined, 0)));
      if (formatAssTime(word.start) < formatAssTime(word.end)) events.push(dialogue(word.start, word.end, text(i, Math.round((word.end - word.start) * 1000))));
    });
  }

  return assScript({
    about: 'Captions laid out for this frame: lines are already broken to fit it.',
    width: frame.width,
    height: frame.height,
    styles: [assStyleLine(style, geometry)],
    events,
  });
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
    geometry.marginV,
    1,
  ].join(',');
}

function highlightTags(style: CaptionStyle, geometry: CaptionGeometry, durationMs: number, fit: number): string {
  const colour = `\\1c${assColour(style.highlightColor).replace(/^&H00/, '&H')}&`;
  if (geometry.bounceScale === 1) return `{${colour}}`;
  const grow = Math.min(bounceGrowMs, Math.round(durationMs / 2));
  const settle = Math.min(bounceSettleMs, durationMs);
  const rest = Math.floor(fit * 100);
  const scale = Math.round(geometry.bounceScale * rest);
  return `{${colour}\\t(0,${grow},\\fscx${scale}\\fscy${scale})\\t(${grow},${settle},\\fscx${rest}\\fscy${rest})}`;
}

/**
 * How much smaller a cue is drawn so that its widest line fits the line
 * width: 1 for every cue the line breaking could fit, less for one holding a
 * single word wider than a line.
 */
function fitScale(cue: CaptionCue, lineWords: number[], maxLineWidth: number, lineWidth: ((words: string[]) => number) | undefined): number {
  if (!lineWidth) return 1;
  let first = 0;
  const widths = lineWords.map((count) => {
    first += count;
    return lineWidth(cue.words.slice(first - count, first).map((w) => w.word));
  });
  const widest = Math.max(...widths);
  return widest > maxLineWidth ? maxLineWidth / widest : 1;
}

/** How many of the cue's words are on each of its lines (lines are its words joined as joinWords joins them). */
function wordsPerLine(cue: CaptionCue): number[] {
  const counts: number[] = [];
  let index = 0;
  for (const text of cue.lines) {
    const first = index;
    while (index < cue.words.length && joinWords(cue.words.slice(first, index).map((w) => w.word)).length < text.length) index += 1;
    counts.push(index - first);
  }
  return counts;
}
