import { z } from 'zod';
import { defineNode } from '../node-definition';
import { outputProfileNames, x264Presets } from '../render-options';

/** `Output.Render`: the timeline rendered to an MP4 with a thumbnail and SRT captions. */
export const outputRenderDefinition = defineNode({
  type: 'Output.Render',
  stage: 'export',
  description: 'Renders the timeline to an MP4 for the output profile, with a thumbnail and the captions as SRT.',
  params: z.object({
    profile: z.enum(outputProfileNames).default('9x16_1080p'),
    /** x264 preset; the profile's (`veryfast`) by default. */
    preset: z.enum(x264Presets).optional(),
  }),
  inputs: { timeline: { kind: 'timeline' } },
  output: 'render',
  retry: { attempts: 2, backoffMs: 2_000 },
  timeoutMs: 20 * 60_000,
});
