import { z } from 'zod';
import { defineNode } from '../node-definition';

/** A beat of a script the caller wrote: its narration, and what footage to search for while it is spoken. */
const givenBeatSchema = z.object({
  text: z.string().trim().min(1).max(1_000),
  search_terms: z.array(z.string().trim().min(1).max(100)).max(5).optional(),
});

/** `Script.Generate`: a headline, beats of narration with footage search terms, and hashtags. */
export const scriptGenerateDefinition = defineNode({
  type: 'Script.Generate',
  stage: 'script',
  description:
    'Writes the narration: headline, beats with footage search terms, and hashtags; or, with provider "given", takes the narration the caller wrote (text, or beats with their search terms).',
  params: z
    .object({
      /** What kind of short the writer writes; not read with provider "given". */
      genre: z.string().trim().min(1).max(60).optional(),
      /** BCP-47-ish: `en`, `es-MX`, `pt-BR`, `zh-Hans`. */
      lang: z
        .string()
        .trim()
        .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en, es-MX or pt-BR')
        .default('en'),
      /** What the writer writes about; not read with provider "given". */
      prompt: z.string().trim().min(1).max(4000).optional(),
      /** How many beats the writer writes; with provider "given", the beats themselves. */
      beats: z.union([z.number().int().min(1).max(10), z.array(givenBeatSchema).min(1).max(10)]).optional(),
      target_seconds: z.number().min(5).max(180).optional(),
      model: z.string().trim().min(1).max(200).optional(),
      provider: z.enum(['openai', 'offline', 'given']).default('openai'),
      /** With provider "given": the narration, split into beats at blank lines (else about two sentences a beat). */
      text: z.string().trim().min(1).max(5_000).optional(),
      /** With provider "given": the headline (else the first sentence). */
      title: z.string().trim().min(1).max(200).optional(),
      /** With provider "given": the hashtags. */
      hashtags: z.array(z.string().trim().min(1).max(50)).max(10).optional(),
    })
    .superRefine((params, context) => {
      const problem = (path: string, message: string) => context.addIssue({ code: 'custom', path: [path], message });
      if (params.provider === 'given') {
        const givenBeats = Array.isArray(params.beats);
        if (params.text === undefined && !givenBeats) problem('text', 'is required with provider "given" (or beats, a list of {text, search_terms})');
        if (params.text !== undefined && givenBeats) problem('text', 'and a list of beats are both given: give one of them');
        if (params.model !== undefined) problem('model', 'is not read with provider "given": no model is called');
        return;
      }
      for (const path of ['text', 'title', 'hashtags'] as const) {
        if (params[path] !== undefined) problem(path, `is read with provider "given" only`);
      }
      if (Array.isArray(params.beats)) problem('beats', 'must be a number of beats; a list of beats is read with provider "given" only');
      if (params.genre === undefined) problem('genre', 'is required (unless provider is "given")');
      if (params.prompt === undefined) problem('prompt', 'is required (unless provider is "given")');
    }),
  inputs: {},
  output: 'script',
  // A paid call: three tries at most per run.
  retry: { attempts: 3, backoffMs: 2_000 },
  timeoutMs: 3 * 60_000,
});
