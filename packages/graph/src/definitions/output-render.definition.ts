import { z } from 'zod';
import { defineNode } from '../node-definition';
import { maxOutputProfiles, outputProfileNames, previewProfileName, x264Presets } from '../render-options';

/**
 * `Output.Render`: the timeline rendered to an MP4 with a thumbnail and SRT
 * captions, for `profile` and each of `profiles` (each its own files and
 * render), after a fast `preview` first when asked.
 */
export const outputRenderDefinition = defineNode({
  type: 'Output.Render',
  stage: 'export',
  description:
    'Renders the timeline to an MP4 for the output profile, with a thumbnail and the captions as SRT; also for each of `profiles`, ' +
    'and first as a fast 540x960 preview when `preview` is true.',
  params: z
    .object({
      profile: z.enum(outputProfileNames).default('9x16_1080p'),
      /** More outputs of the same timeline (e.g. 1:1 and 16:9 beside 9:16), each retargeted to its frame, with its own files and render. */
      profiles: z
        .array(z.enum(outputProfileNames))
        .max(maxOutputProfiles - 1)
        .default([]),
      /** Render the `preview` profile first and report it (render.preview_ready) before the others. */
      preview: z.boolean().default(false),
      /** x264 preset of `profile` and `profiles`; each profile's own (`veryfast`) by default. The preview keeps its own. */
      preset: z.enum(x264Presets).optional(),
    })
    .superRefine((p, issues) => {
      // The draft is never the job's video: it has no length limit, and it would be announced as a preview.
      if (p.profile === previewProfileName) issues.addIssue({ code: 'custom', path: ['profile'], message: 'ask for the preview with preview: true' });
      const seen = new Set([p.profile]);
      p.profiles.forEach((name, i) => {
        if (seen.has(name)) issues.addIssue({ code: 'custom', path: ['profiles', i], message: `${name} is already rendered; name each profile once` });
        else if (name === previewProfileName) issues.addIssue({ code: 'custom', path: ['profiles', i], message: 'ask for the preview with preview: true' });
        seen.add(name);
      });
    }),
  inputs: { timeline: { kind: 'timeline' } },
  output: 'render',
  retry: { attempts: 2, backoffMs: 2_000 },
  timeoutMs: 20 * 60_000,
});
