import { z } from 'zod';
import { defineNode } from '../node-definition';

/** `Subtitle.Auto`: caption cues laid out for the frame, as SRT, WebVTT and a styled ASS script. */
export const subtitleAutoDefinition = defineNode({
  type: 'Subtitle.Auto',
  stage: 'subtitle',
  description: 'Breaks the narration into caption cues that fit the frame and writes captions.srt, captions.vtt and a styled captions.ass.',
  params: z.object({
    style: z.enum(['clean_box', 'karaoke_bounce']).default('clean_box'),
    /**
     * The template whose frame and subtitle track style the captions follow; the
     * job's `template_id` variable when not given; a 1080x1920 frame and the preset's look otherwise.
     */
    template_id: z.string().trim().min(1).max(255).optional(),
    /** Re-time words by transcribing the narration (needs the transcription provider). */
    transcribe: z.boolean().default(false),
    max_chars_per_line: z.number().int().min(8).max(80).optional(),
  }),
  inputs: { speech: { kind: 'speech' } },
  output: 'captions',
  retry: { attempts: 2, backoffMs: 1_000 },
  timeoutMs: 2 * 60_000,
});
