import type { CaptionCue } from '../artifacts/artifact-types';
import { formatVttTime } from './caption-timestamps';

/** Cue text as WebVTT reads it: `&`, `<` and `>` escaped (which also keeps a `-->` in the text from reading as timing). */
function escapeVttText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A WebVTT file: the `WEBVTT` header, then each cue's `HH:MM:SS.mmm --> HH:MM:SS.mmm` line and lines, a blank line after each. */
export function writeVtt(cues: CaptionCue[]): string {
  const body = cues.map((cue) => `${formatVttTime(cue.start)} --> ${formatVttTime(cue.end)}\n${cue.lines.map(escapeVttText).join('\n')}\n\n`).join('');
  return `WEBVTT\n\n${body}`;
}
