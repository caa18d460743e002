import { scriptGenerateDefinition, scriptLength } from '@fenta/graph';
import type { z } from 'zod';
import type { Script } from '../artifacts/artifact-types';
import { chooseScriptWriter } from '../providers/script/choose-script-writer';
import type { ScriptRequest } from '../providers/pipeline-providers';
import { defineNodeType } from './define-node-type';

/**
 * `Script.Generate`: a headline, beats of narration with footage search
 * terms, and hashtags, from a chat model (OpenAI or compatible) or the
 * offline writer. The beat count and length come from the params, else from
 * the prompt ("30s … 3 beats"). Tokens a model used are recorded as usage.
 */
export const scriptGenerateNode = defineNodeType<z.output<typeof scriptGenerateDefinition.params>, Record<string, never>, Script>({
  ...scriptGenerateDefinition,
  async run(ctx, _inputs, p) {
    const writer = chooseScriptWriter(ctx, p.provider);
    const request: ScriptRequest = {
      genre: p.genre,
      lang: p.lang,
      prompt: p.prompt,
      ...scriptLength(p),
      variables: ctx.variables,
      ...(p.model ? { model: p.model } : {}),
    };
    const { script, usage } = await writer.write(request, ctx.signal);
    if (usage) ctx.recordUsage({ resource: 'llm_tokens', model: usage.model, promptTokens: usage.promptTokens, outputTokens: usage.outputTokens });
    if (script.lang.split('-')[0]?.toLowerCase() !== p.lang.split('-')[0]?.toLowerCase()) {
      ctx.log.warn(`the ${writer.name} writer has no ${p.lang} templates; the script is in ${script.lang}`, { asked: p.lang, written: script.lang });
    }
    ctx.progress(1);
    ctx.log.info(`wrote "${script.title}" with ${writer.name}`, { beats: script.beats.length, ...(usage ? { model: usage.model } : {}) });
    return { kind: 'script', ...script };
  },
});
