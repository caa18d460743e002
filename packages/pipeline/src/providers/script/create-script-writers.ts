import type { PipelineProviders } from '../pipeline-providers';
import { OfflineScriptWriter } from './offline-script-writer';
import { OpenAIScriptWriter, type OpenAIScriptWriterOptions } from './openai-script-writer';

/** What a worker knows about script writers; OpenAI exists only when its key is set. */
export interface ScriptWritersConfig {
  openai?: Partial<OpenAIScriptWriterOptions>;
}

/** The `script` part of `PipelineProviders`, built from the worker's config. */
export function createScriptWriters(config: ScriptWritersConfig): PipelineProviders['script'] {
  const apiKey = config.openai?.apiKey;
  return {
    ...(apiKey ? { openai: new OpenAIScriptWriter({ ...config.openai, apiKey }) } : {}),
    offline: new OfflineScriptWriter(),
  };
}
