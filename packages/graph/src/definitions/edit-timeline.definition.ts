import { z } from 'zod';
import { defineNode } from '../node-definition';
import { outputProfileNames } from '../render-options';

/** `Edit.Timeline`: footage and captions cut to a template's rules into the timeline `Output.Render` compiles. */
export const editTimelineDefinition = defineNode({
  type: 'Edit.Timeline',
  stage: 'edit',
  description: "Cuts the footage on sentence starts within the template's scene rules and lays out subtitles, overlays, narration and music.",
  params: z.object({
    template_id: z.string().min(1).max(255),
    /** Defaults to the profile matching the template's aspect and resolution. */
    profile: z.enum(outputProfileNames).optional(),
  }),
  inputs: { footage: { kind: 'footage' }, captions: { kind: 'captions' } },
  output: 'timeline',
  // Pure work on its inputs; only loading the template can fail transiently.
  retry: { attempts: 2, backoffMs: 500 },
  timeoutMs: 30_000,
});
