import type { CaptionCue } from '../artifacts/artifact-types';
import { formatVttTime } from './caption-timestamps';
import { singleLineText } from './single-line-text';

/** Cue text as WebVTT reads it: one line, `&`, `<` and `>` escaped (which also keeps a `-->` in the text from reading as timing). */
function escapeVttText(text: string): string {
  return singleLineText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A WebVTT file: the `WEBVTT` header, then each cue's `HH:MM:SS.mmm --> HH:MM:SS.mmm` line and lines, a blank line after each. */
export function writeVtt(cues: CaptionCue[]): string {
  const body = cues.map((cue) => `${formatVttTime(cue.start)} --> ${formatVttTime(cue.end)}\n${cue.lines.map(escapeVttText).join('\n')}\n\n`).join('');
  return `WEBVTT\n\n${body}`;
}
