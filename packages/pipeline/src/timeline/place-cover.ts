import type { TemplateSpec } from '@fenta/graph';
import type { TimelineCover } from './timeline-ir';

/**
 * The job's cover on a timeline of `duration` seconds, as the template's
 * `cover` asks: its first frames (`first_frame`) or an intro card of
 * `seconds` (`intro`), at least one frame and at most the whole video;
 * nothing for `none` or when the job gave no cover.
 *
 * The card is laid over the opening footage rather than put before it: the
 * narration, the captions (an ASS file timed to the speech) and the cuts all
 * start at 0 as without a cover, so nothing has to be shifted to stay in sync
 * and the video is as long as the speech, which matters under the 60 s limit
 * of 9:16 platforms. The captions and the headline are drawn over the card.
 */
export function placeCover(mode: TemplateSpec['cover'], source: string | undefined, duration: number, fps: number): TimelineCover | undefined {
  if (!source || mode.mode === 'none') return undefined;
  const frames = Math.min(Math.max(1, Math.round(mode.seconds * fps)), Math.round(duration * fps));
  return { source, end: frames / fps };
}
