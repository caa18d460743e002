import type { Kysely } from 'kysely';
import type { DB } from '@fenta/db';
import type { PipelineProviders } from './pipeline-providers';
import { createScriptWriters } from './script/create-script-writers';
import { createStockProviders } from './stock/create-stock-providers';
import { EspeakSpeechSynthesizer } from './tts/espeak-speech-synthesizer';
import { OpenAISpeechSynthesizer } from './tts/openai-speech-synthesizer';
import { OpenAITranscriber } from './transcription/openai-transcriber';

/** The provider settings a worker reads from its environment. Absent keys mean the offline provider runs. */
export interface ProvidersConfig {
  /** Fail a node whose asked-for provider is not configured, instead of running the offline one. */
  strict: boolean;
  openai?: { apiKey: string; baseURL?: string; chatModel?: string; ttsModel?: string; transcriptionModel?: string };
  pexelsApiKey?: string;
  pixabayApiKey?: string;
  db?: Kysely<DB>;
}

/** Builds the providers once per worker process. */
export function createPipelineProviders(config: ProvidersConfig): PipelineProviders {
  const openai = config.openai;
  const transcription = openai ? new OpenAITranscriber({ apiKey: openai.apiKey, baseURL: openai.baseURL, model: openai.transcriptionModel }) : undefined;
  return {
    strict: config.strict,
    stock: createStockProviders({ pexelsApiKey: config.pexelsApiKey, pixabayApiKey: config.pixabayApiKey, db: config.db }),
    script: createScriptWriters({ openai: openai ? { apiKey: openai.apiKey, baseURL: openai.baseURL, model: openai.chatModel } : undefined }),
    tts: {
      espeak: new EspeakSpeechSynthesizer(),
      ...(openai
        ? { openai: new OpenAISpeechSynthesizer({ apiKey: openai.apiKey, baseURL: openai.baseURL, model: openai.ttsModel, transcriber: transcription }) }
        : {}),
    },
    transcription,
  };
}
