import { FentaError } from '@fenta/core';
import OpenAI from 'openai';
import { callOpenAI } from '../openai-http-errors';
import type { ScriptResult, ScriptUsage, ScriptWriter } from '../pipeline-providers';
import { buildScriptPrompt } from './build-script-prompt';
import { normalizeScript } from './normalize-script';
import { scriptReply, scriptReplyJsonSchema } from './script-reply';
import type { ScriptRequest } from '../pipeline-providers';

export interface OpenAIScriptWriterOptions {
  apiKey: string;
  /** Any OpenAI-compatible server, `/v1` included; OpenAI's unless told. */
  baseURL?: string;
  /** `gpt-4o-mini` unless told; a request's `model` overrides it. */
  model?: string;
  /** Per request, ms; 60 s unless told. */
  timeoutMs?: number;
  /** 0.7 unless told: varied enough for daily scripts, steady enough to follow the format. */
  temperature?: number;
  /**
   * `json_schema` (structured outputs, OpenAI's default) or `json_object`
   * for compatible servers that only know JSON mode; the prompt describes
   * the shape either way.
   */
  responseFormat?: 'json_schema' | 'json_object';
}

/** Writes scripts with a chat model over the OpenAI API (or a compatible one), replying in JSON checked against the script shape. */
export class OpenAIScriptWriter implements ScriptWriter {
  readonly name = 'openai';
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly timeoutMs: number;
  private readonly temperature: number;
  private readonly responseFormat: 'json_schema' | 'json_object';

  constructor(options: OpenAIScriptWriterOptions) {
    // The SDK's own retries are off: the node's policy is the one place that retries.
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: this.timeoutMs });
    this.model = options.model ?? 'gpt-4o-mini';
    this.temperature = options.temperature ?? 0.7;
    this.responseFormat = options.responseFormat ?? 'json_schema';
  }

  async write(request: ScriptRequest, signal: AbortSignal, onBilled?: (usage: ScriptUsage) => void): Promise<ScriptResult> {
    const model = request.model ?? this.model;
    const completion = await callOpenAI(this.name, this.timeoutMs, signal, (attemptSignal) =>
      this.client.chat.completions.create(
        {
          model,
          messages: buildScriptPrompt(request),
          temperature: this.temperature,
          response_format:
            this.responseFormat === 'json_schema'
              ? { type: 'json_schema', json_schema: { name: 'short_video_script', strict: true, schema: scriptReplyJsonSchema } }
              : { type: 'json_object' },
        },
        { signal: attemptSignal },
      ),
    );
    const usage = completion.usage ? { model, promptTokens: completion.usage.prompt_tokens, outputTokens: completion.usage.completion_tokens } : undefined;
    if (usage) onBilled?.(usage);
    const choice = completion.choices[0];
    if (!choice) throw this.invalid('the answer has no choices');
    if (choice.message.refusal) throw this.invalid(`the model refused: ${choice.message.refusal}`);
    if (choice.finish_reason === 'length') throw this.invalid('the reply was cut off at the token limit');
    const json = parseJson(choice.message.content);
    if (json === undefined) throw this.invalid('the reply is not JSON');
    const reply = scriptReply.safeParse(json);
    if (!reply.success) {
      const issue = reply.error.issues[0];
      throw this.invalid(`the reply is not a script (${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'unexpected shape'})`);
    }
    const { title, beats, hashtags } = reply.data;
    const script = normalizeScript(
      { title, hashtags, beats: beats.map((beat) => ({ text: beat.text, sentences: beat.sentences, searchTerms: beat.search_terms })) },
      request.lang,
    );
    if (script.beats.length === 0) throw this.invalid('the reply has no narration');
    return { script, ...(usage ? { usage } : {}) };
  }

  private invalid(reason: string): FentaError {
    return new FentaError('PROVIDER_RESPONSE_INVALID', { provider: this.name, reason });
  }
}

function parseJson(content: string | null | undefined): unknown {
  if (!content) return undefined;
  try {
    // Some compatible servers wrap JSON mode replies in a Markdown fence.
    return JSON.parse(content.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1'));
  } catch {
    return undefined;
  }
}
