import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import type { SpeechOptions, SpeechRequest, SpeechResult, SpeechSynthesizer } from '../pipeline-providers';
import { alignWordsToSpeech } from './align-words-to-speech';
import { analyzeSentenceAudio } from './analyze-sentence-audio';
import { assembleSpeech, type TimedSentence } from './assemble-speech';
import { measureEspeakWordDurations } from './espeak-word-durations';
import { espeakWordsPerMinute, parseEspeakVoiceList, resolveEspeakVoice, type EspeakVoices } from './espeak-voice';
import { mapWithConcurrency } from '../../process/map-with-concurrency';
import { runChildProcess } from '../../process/run-child-process';
import { runEspeak, type EspeakVoiceSettings } from './run-espeak';
import { splitSentenceWords } from './split-sentence-words';
import { synthesisFailure } from './synthesis-failure';

export interface EspeakSpeechSynthesizerOptions {
  /** The espeak-ng program; `espeak-ng` on the PATH unless told. */
  command?: string;
  /** Silence between sentences, seconds; 0.25 unless told. */
  pauseSeconds?: number;
  /** Sentences synthesized at once; 2 unless told. */
  concurrency?: number;
}

/**
 * The offline speaker. Each sentence is synthesized on its own and measured:
 * its speech span and pauses come from its audio, its words' relative lengths
 * from espeak-ng speaking them, so every timing is the synthesis's own.
 */
export class EspeakSpeechSynthesizer implements SpeechSynthesizer {
  readonly name = 'espeak-ng';
  private readonly command: string;
  private readonly pauseSeconds: number;
  private readonly concurrency: number;
  private voices: Promise<EspeakVoices> | undefined;

  constructor(options: EspeakSpeechSynthesizerOptions = {}) {
    this.command = options.command ?? 'espeak-ng';
    this.pauseSeconds = options.pauseSeconds ?? 0.25;
    this.concurrency = options.concurrency ?? 2;
  }

  async synthesize(request: SpeechRequest, options: SpeechOptions): Promise<SpeechResult> {
    const { signal } = options;
    const workDir = await mkdtemp(path.join(options.tempDir, 'espeak-'));
    try {
      const voice = resolveEspeakVoice(request.voice, request.lang, await this.installedVoices(signal));
      const wordsPerMinute = espeakWordsPerMinute(request.speed);
      const settings: EspeakVoiceSettings = { command: this.command, voice, wordsPerMinute, workDir, signal };
      // A pause is a silence longer than the closure of a stop consonant at this rate.
      const pauseMinSeconds = (0.1 * 175) / wordsPerMinute;
      const sentences = await mapWithConcurrency(request.sentences, this.concurrency, signal, async (sentence, i, sentenceSignal): Promise<TimedSentence> => {
        const sentenceSettings = { ...settings, signal: sentenceSignal };
        const words = splitSentenceWords(sentence.text);
        if (words.length === 0) throw new FentaError('PROVIDER_RESPONSE_INVALID', { provider: this.name, reason: `sentence ${i + 1} has no words to speak` });
        const file = path.join(workDir, `sentence-${i}.wav`);
        await runEspeak(sentenceSettings, ['-w', file, '--', sentence.text]);
        const audio = await analyzeSentenceAudio(file, { signal: sentenceSignal, provider: this.name });
        const weights = await measureEspeakWordDurations(words, sentenceSettings, `sentence-${i}`);
        const timings = alignWordsToSpeech({
          words,
          weights,
          speechStart: audio.speechStart,
          speechEnd: audio.speechEnd,
          silences: audio.silences,
          pauseMinSeconds,
        });
        return { text: sentence.text.trim(), beat: sentence.beat, audio, words: timings };
      });
      // The joined file lives in the caller's temp dir: the work files go, the result stays.
      const outputDir = await mkdtemp(path.join(options.tempDir, 'speech-'));
      return await assembleSpeech(sentences, { outputPath: path.join(outputDir, 'speech.wav'), pauseSeconds: this.pauseSeconds, signal, provider: this.name });
    } catch (error) {
      throw synthesisFailure(error, this.name, signal);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /** The installed voices, listed once per synthesizer; a failed listing is tried again next time. */
  private installedVoices(signal: AbortSignal): Promise<EspeakVoices> {
    this.voices ??= runChildProcess(this.command, ['--voices'], { signal }).then(
      ({ stdout }) => parseEspeakVoiceList(stdout),
      (error: unknown) => {
        this.voices = undefined;
        throw error;
      },
    );
    return this.voices;
  }
}
