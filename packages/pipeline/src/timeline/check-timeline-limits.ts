import { FentaError } from '@fenta/core';
import type { CaptionCue } from '../artifacts/artifact-types';
import { commandLineBytes, compileTimeline } from '../render/compile-ffmpeg';
import type { Timeline } from './timeline-ir';
import { timelineLimits } from './timeline-limits';

function tooLarge(limit: keyof typeof timelineLimits, what: string, value: number, reason: string): FentaError {
  return new FentaError('TIMELINE_TOO_LARGE', { limit: what, reason }, { details: { limit, value, max: timelineLimits[limit] } });
}

/**
 * The ffmpeg command line the timeline compiles to, in bytes, with every
 * local path (media, font files, outputs) as long as the allowance: where
 * the worker keeps the files is only known when it renders (the text
 * overlays' ASS scripts are paths too; their text is in the files).
 */
export function plannedCommandLineBytes(timeline: Timeline): number {
  const path = `/${'x'.repeat(timelineLimits.localPathBytes - 1)}`;
  // The same stand-in for whatever key or font the compiler looks up.
  const everyKey = new Proxy<Record<string, string>>({}, { get: () => path });
  // Compiled without the cap, so that the error can say by how much the timeline is over it.
  const { args } = compileTimeline(timeline, {
    inputs: everyKey,
    audio: path,
    output: path,
    thumbnail: path,
    textOverlayFiles: everyKey,
    maxArgumentBytes: Infinity,
  });
  return commandLineBytes(args);
}

/**
 * Refuses a timeline that one render should not run, with TIMELINE_TOO_LARGE
 * naming the limit (see timelineLimits): too many pieces of footage, too many
 * overlays, an overlay or caption text too long, or a command line too long.
 */
export function checkTimelineLimits(timeline: Timeline, cues: CaptionCue[] = []): void {
  const { clips, templateOverlays, textCharacters, ffmpegArgumentBytes } = timelineLimits;
  if (timeline.clips.length > clips) {
    throw tooLarge(
      'clips',
      'pieces of footage',
      timeline.clips.length,
      `${timeline.clips.length} pieces of footage; one render takes at most ${clips} (longer scenes, from the template's min_scene and max_scene, make fewer)`,
    );
  }
  // The template's overlays, and the job's logo when the template does not place it.
  if (timeline.overlays.length > templateOverlays + 1) {
    throw tooLarge(
      'templateOverlays',
      'overlays',
      timeline.overlays.length,
      `${timeline.overlays.length} overlays; one render draws at most ${templateOverlays + 1}`,
    );
  }
  for (const overlay of timeline.overlays) {
    const length = overlay.kind === 'text' ? [...overlay.text].length : 0;
    if (length > textCharacters)
      throw tooLarge('textCharacters', 'text characters', length, `an overlay text has ${length} characters; at most ${textCharacters}`);
  }
  cues.forEach((cue, i) => {
    const length = [...cue.lines.join(' ')].length;
    if (length > textCharacters)
      throw tooLarge('textCharacters', 'text characters', length, `caption cue ${i + 1} has ${length} characters; at most ${textCharacters}`);
  });
  const bytes = plannedCommandLineBytes(timeline);
  if (bytes > ffmpegArgumentBytes) {
    throw tooLarge(
      'ffmpegArgumentBytes',
      'ffmpeg arguments',
      bytes,
      `the ffmpeg command line would be ${bytes} bytes with paths of ${timelineLimits.localPathBytes} bytes; it may be at most ${ffmpegArgumentBytes}`,
    );
  }
}
