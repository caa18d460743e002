import type { CaptionCue } from '../artifacts/artifact-types';
import { formatSrtTime } from './caption-timestamps';

/** A SubRip file: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, the cue's lines, a blank line after each. */
export function writeSrt(cues: CaptionCue[]): string {
  return cues.map((cue, i) => `${i + 1}\n${formatSrtTime(cue.start)} --> ${formatSrtTime(cue.end)}\n${cue.lines.join('\n')}\n\n`).join('');
}
