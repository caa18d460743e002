import path from 'node:path';
import { FentaError } from '@fenta/core';
import { voiceTtsDefinition } from '@fenta/graph';
import type { z } from 'zod';
import type { Script, SentenceTiming, Speech } from '../artifacts/artifact-types';
import type { SpeechRequest, SpeechResult, SpeechUsage } from '../providers/pipeline-providers';
import { chooseSpeechSynthesizer } from '../providers/tts/choose-speech-synthesizer';
import { applySpeechFit, meetsTarget, planSpeechFit } from '../providers/tts/fit-speech-length';
import { VoiceNotSupportedError } from '../providers/tts/voice-not-supported-error';
import { defineNodeType } from './define-node-type';
import type { NodeContext } from './node-context';

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
    // What the provider bills for, recorded even when the synthesis fails after some calls answered:
    // the characters it spoke and the audio it transcribed for word timings.
    const recordBilled = (usage: SpeechUsage) => {
      ctx.recordUsage({ resource: 'tts_characters', characters: usage.characters, model: usage.model });
      const heard = usage.transcription;
      if (heard) ctx.recordUsage({ resource: 'transcription_minutes', minutes: heard.seconds / 60, model: heard.model });
    };
    const result = await synthesizer
      .synthesize(
        { sentences, voice: params.voice, speed: params.speed, lang: script.lang },
        { tempDir: ctx.tempDir, signal: ctx.signal, onBilled: recordBilled },
      )
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
    ctx.progress(0.8);
    const fitted = await fitToTarget(ctx, script, result);
    ctx.progress(0.9);
    const audio = await ctx.saveArtifact('voice.wav', fitted.speech.audioPath, fitted.speech.contentType);
    ctx.log.info('narration synthesized', {
      provider: synthesizer.name,
      voice: params.voice,
      sentences: fitted.speech.sentences.length,
      durationSeconds: fitted.speech.durationSeconds,
    });
    ctx.progress(1);
    return {
      kind: 'speech',
      audio,
      durationSeconds: fitted.speech.durationSeconds,
      sampleRate: fitted.speech.sampleRate,
      lang: script.lang,
      voice: params.voice,
      provider: synthesizer.name,
      sentences: fitted.speech.sentences,
      script: fitted.script,
    };
  },
});

/**
 * The narration brought to the script's target length (at most the target,
 * at most 10 % under it) where it is not: the tempo changed, and for a written script (never one the caller
 * gave) sentences dropped first when the tempo alone would hurry it. The job
 * log says what was done, and warns when the target is still missed.
 */
async function fitToTarget(ctx: NodeContext, script: Script, speech: SpeechResult): Promise<{ speech: SpeechResult; script: Script }> {
  const target = script.targetSeconds;
  if (target === undefined) return { speech, script };
  const plan = planSpeechFit(speech.sentences, speech.durationSeconds, target, { mayDrop: script.given !== true });
  let fitted = speech;
  let kept = script;
  if (plan) {
    fitted = await applySpeechFit(speech, plan, { outputPath: path.join(ctx.tempDir, 'voice-fitted.wav'), signal: ctx.signal, provider: 'ffmpeg' });
    const dropped = plan.drop.map((index) => speech.sentences[index]!);
    kept = withoutSentences(script, dropped);
    const changes = [
      ...(plan.tempo === 1 ? [] : [`tempo ×${plan.tempo}`]),
      ...(dropped.length === 0
        ? []
        : [`${dropped.length} sentence${dropped.length === 1 ? '' : 's'} dropped: ${dropped.map((s) => JSON.stringify(s.text)).join(', ')}`]),
    ];
    ctx.log.info(
      `narration fitted to the ${target} s target: ${seconds(speech.durationSeconds)} s → ${seconds(fitted.durationSeconds)} s (${changes.join('; ')})`,
      {
        targetSeconds: target,
        spokenSeconds: speech.durationSeconds,
        fittedSeconds: fitted.durationSeconds,
        tempo: plan.tempo,
        droppedSentences: dropped.length,
      },
    );
  }
  if (!meetsTarget(fitted.durationSeconds, target)) {
    const why = fitted.durationSeconds > target ? 'longer than its target even spoken faster' : 'more than 10 % shorter than its target even spoken slower';
    ctx.log.warn(`the narration is ${seconds(fitted.durationSeconds)} s for a ${target} s target: the script is ${why}`);
  }
  return { speech: fitted, script: kept };
}

/** The script without the sentences left out of the narration, so later nodes see what is spoken. */
function withoutSentences(script: Script, dropped: SentenceTiming[]): Script {
  if (dropped.length === 0) return script;
  const beats = script.beats.map((beat, index) => {
    const gone = dropped.filter((sentence) => sentence.beat === index).map((sentence) => sentence.text);
    if (gone.length === 0) return beat;
    const sentences = beat.sentences.filter((sentence) => {
      const at = gone.indexOf(sentence.trim());
      if (at === -1) return true;
      gone.splice(at, 1);
      return false;
    });
    return { ...beat, sentences, text: sentences.join(' ') };
  });
  return { ...script, beats };
}

function seconds(value: number): string {
  return value.toFixed(1);
}
