import { FentaError } from '@fenta/core';
import { voiceTtsDefinition } from '@fenta/graph';
import type { z } from 'zod';
import type { Script, Speech } from '../artifacts/artifact-types';
import type { SpeechRequest } from '../providers/pipeline-providers';
import { chooseSpeechSynthesizer } from '../providers/tts/choose-speech-synthesizer';
import { VoiceNotSupportedError } from '../providers/tts/voice-not-supported-error';
import { defineNodeType } from './define-node-type';

const type = voiceTtsDefinition.type;

export type VoiceTtsParams = z.output<typeof voiceTtsDefinition.params>;

/** The script's sentences in order with their beats; a beat without sentences is split at sentence ends. */
function scriptSentences(script: Script): SpeechRequest['sentences'] {
  return script.beats.flatMap((beat, index) => {
    const sentences = beat.sentences.length > 0 ? beat.sentences : beat.text.split(/(?<=[.!?…])\s+/u);
    return sentences.map((text) => ({ text: text.trim(), beat: index })).filter((s) => /[\p{L}\p{N}]/u.test(s.text));
  });
}

/** `Voice.TTS`: speaks the script (OpenAI TTS, or espeak-ng offline) into `voice.wav`, with sentence and word timings measured from the audio. */
export const voiceTtsNode = defineNodeType<VoiceTtsParams, { script: Script }, Speech>({
  ...voiceTtsDefinition,
  async run(ctx, { script }, params) {
    const invalid = (reason: string) => new FentaError('NODE_INPUT_INVALID', { node: ctx.nodeId, type, reason });
    if (script?.kind !== 'script' || !Array.isArray(script.beats)) throw invalid('the input is not a script');
    const sentences = scriptSentences(script);
    if (sentences.length === 0) throw invalid('the script has no narration to speak');

    const synthesizer = chooseSpeechSynthesizer(ctx.providers, params.provider, ctx.log);
    ctx.progress(0.05);
    const result = await synthesizer
      .synthesize({ sentences, voice: params.voice, speed: params.speed, lang: script.lang }, { tempDir: ctx.tempDir, signal: ctx.signal })
      .catch((error: unknown) => {
        if (error instanceof VoiceNotSupportedError) {
          const voices = error.voicesForLanguage.length > 0 ? error.voicesForLanguage.join(', ') : 'none';
          throw new FentaError('VOICE_LANGUAGE_UNSUPPORTED', {
            voice: JSON.stringify(params.voice),
            provider: error.provider,
            lang: JSON.stringify(script.lang),
            voices,
          });
        }
        throw error;
      });
    if (result.usage) {
      // What the provider bills for: the characters it spoke and the audio it transcribed for word timings.
      ctx.recordUsage({ resource: 'tts_characters', characters: result.usage.characters, model: result.usage.model });
      const heard = result.usage.transcription;
      if (heard) ctx.recordUsage({ resource: 'transcription_minutes', minutes: heard.seconds / 60, model: heard.model });
    }
    ctx.progress(0.9);
    const audio = await ctx.saveArtifact('voice.wav', result.audioPath, result.contentType);
    ctx.log.info('narration synthesized', {
      provider: synthesizer.name,
      voice: params.voice,
      sentences: result.sentences.length,
      durationSeconds: result.durationSeconds,
    });
    ctx.progress(1);
    return {
      kind: 'speech',
      audio,
      durationSeconds: result.durationSeconds,
      sampleRate: result.sampleRate,
      lang: script.lang,
      voice: params.voice,
      provider: synthesizer.name,
      sentences: result.sentences,
      script,
    };
  },
});
