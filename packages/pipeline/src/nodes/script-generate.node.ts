import { FentaError } from '@fenta/core';
import { scriptGenerateDefinition, scriptLength, voiceTtsDefinition, wordsPerSecondOf } from '@fenta/graph';
import type { z } from 'zod';
import type { Script } from '../artifacts/artifact-types';
import { chooseScriptWriter } from '../providers/script/choose-script-writer';
import { givenScript } from '../providers/script/given-script';
import type { ScriptRequest } from '../providers/pipeline-providers';
import { defineNodeType } from './define-node-type';
import type { NodeContext } from './node-context';

/**
 * The speed of the voice that reads the script: the Voice.TTS node the graph
 * feeds it to. Where several read it, the fastest, so that none runs short
 * of words (a slower one is fitted down by Voice.TTS, with sentences dropped
 * rather than slowed to a drawl).
 */
function readingSpeed(ctx: NodeContext): number | undefined {
  const speeds = ctx.consumers
    .filter((consumer) => consumer.type === voiceTtsDefinition.type)
    .map((consumer) => (consumer.params as { speed?: unknown }).speed)
    .filter((speed): speed is number => typeof speed === 'number' && Number.isFinite(speed) && speed > 0);
  return speeds.length > 0 ? Math.max(...speeds) : undefined;
}

/**
 * `Script.Generate`: a headline, beats of narration with footage search
 * terms, and hashtags, from a chat model (OpenAI or compatible) or the
 * offline writer, or the narration the caller gave (provider "given": no
 * model is called, nothing is recorded as usage). The beat count and length
 * come from the params, else from the prompt ("30s … 3 beats"). Tokens a
 * model used are recorded as usage. A writer writes in the language asked
 * for or fails (SCRIPT_LANGUAGE_UNSUPPORTED); it never switches language.
 * The length is planned at the speaking rate of the language and of the
 * voice that reads it (its speed), then fitted by Voice.TTS.
 */
export const scriptGenerateNode = defineNodeType<z.output<typeof scriptGenerateDefinition.params>, Record<string, never>, Script>({
  ...scriptGenerateDefinition,
  async run(ctx, _inputs, p) {
    if (p.provider === 'given') {
      const script = givenScript(p);
      if (script.beats.length === 0)
        throw new FentaError('NODE_PARAM_INVALID', { node: ctx.nodeId, type: scriptGenerateDefinition.type, path: 'text', reason: 'has no words to speak' });
      ctx.progress(1);
      ctx.log.info(`took the given script "${script.title}"`, { beats: script.beats.length });
      return { kind: 'script', ...script, given: true, ...(p.target_seconds === undefined ? {} : { targetSeconds: p.target_seconds }) };
    }
    const writer = chooseScriptWriter(ctx, p.provider);
    const voiceSpeed = readingSpeed(ctx);
    // The definition requires genre and prompt unless the script is given.
    const request: ScriptRequest = {
      genre: p.genre!,
      lang: p.lang,
      prompt: p.prompt!,
      ...scriptLength(p),
      variables: ctx.variables,
      ...(p.model ? { model: p.model } : {}),
      ...(voiceSpeed === undefined ? {} : { voiceSpeed }),
    };
    ctx.log.info(`planning ${request.targetSeconds} s of narration at ${wordsPerSecondOf(p.lang, voiceSpeed).toFixed(1)} words a second`, {
      targetSeconds: request.targetSeconds,
      lang: p.lang,
      voiceSpeed: voiceSpeed ?? 1,
    });
    // Recorded as soon as the model answers: a reply that is not a usable script is billed too.
    const { script, usage } = await writer.write(request, ctx.signal, (billed) =>
      ctx.recordUsage({ resource: 'llm_tokens', model: billed.model, promptTokens: billed.promptTokens, outputTokens: billed.outputTokens }),
    );
    ctx.progress(1);
    ctx.log.info(`wrote "${script.title}" with ${writer.name}`, { beats: script.beats.length, ...(usage ? { model: usage.model } : {}) });
    return { kind: 'script', ...script, targetSeconds: request.targetSeconds };
  },
});
