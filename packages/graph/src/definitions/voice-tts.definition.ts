import { z } from 'zod';
import { defineNode } from '../node-definition';

/** `Voice.TTS`: the script spoken by OpenAI TTS or espeak-ng, with sentence and word timings. */
export const voiceTtsDefinition = defineNode({
  type: 'Voice.TTS',
  stage: 'tts',
  description: 'Speaks the script with OpenAI TTS (or espeak-ng offline) and measures sentence and word timings from the audio.',
  params: z.object({
    /**
     * An OpenAI voice (`alloy`), one with a language suffix (`alloy_en`), or an
     * espeak-ng voice (`en-gb`). A voice that names a language must speak the
     * script's; the default names none, so espeak-ng speaks the script's.
     */
    voice: z.string().trim().min(1).max(64).default('alloy'),
    speed: z.number().min(0.5).max(2).default(1),
    /** Unset: OpenAI when configured, else espeak-ng. */
    provider: z.enum(['openai', 'espeak-ng']).optional(),
  }),
  inputs: { script: { kind: 'script' } },
  output: 'speech',
  // A retry re-synthesizes every sentence (paid with OpenAI): two tries at most per run.
  retry: { attempts: 2, backoffMs: 2_000 },
  timeoutMs: 5 * 60_000,
});
