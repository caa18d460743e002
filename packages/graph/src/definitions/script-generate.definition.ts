import { z } from 'zod';
import { defineNode } from '../node-definition';

/** `Script.Generate`: a headline, beats of narration with footage search terms, and hashtags. */
export const scriptGenerateDefinition = defineNode({
  type: 'Script.Generate',
  stage: 'script',
  description: 'Writes the narration: headline, beats with footage search terms, and hashtags.',
  params: z.object({
    genre: z.string().trim().min(1).max(60),
    /** BCP-47-ish: `en`, `es-MX`, `pt-BR`, `zh-Hans`. */
    lang: z
      .string()
      .trim()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en, es-MX or pt-BR')
      .default('en'),
    prompt: z.string().trim().min(1).max(4000),
    beats: z.number().int().min(1).max(10).optional(),
    target_seconds: z.number().min(5).max(180).optional(),
    model: z.string().trim().min(1).max(200).optional(),
    provider: z.enum(['openai', 'offline']).default('openai'),
  }),
  inputs: {},
  output: 'script',
  // A paid call: three tries at most per run.
  retry: { attempts: 3, backoffMs: 2_000 },
  timeoutMs: 3 * 60_000,
});
