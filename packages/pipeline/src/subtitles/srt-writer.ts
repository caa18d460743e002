import type { CaptionCue } from '../artifacts/artifact-types';
import { formatSrtTime } from './caption-timestamps';
import { singleLineText } from './single-line-text';

/** A SubRip file: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, the cue's lines (each kept one line), a blank line after each. */
export function writeSrt(cues: CaptionCue[]): string {
  return cues.map((cue, i) => `${i + 1}\n${formatSrtTime(cue.start)} --> ${formatSrtTime(cue.end)}\n${cue.lines.map(singleLineText).join('\n')}\n\n`).join('');
}
