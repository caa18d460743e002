import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import OpenAI from 'openai';
import type { WordTiming } from '../../artifacts/artifact-types';
import { callOpenAI } from '../openai-http-errors';
import type { SpeechOptions, SpeechRequest, SpeechResult, SpeechSynthesizer, SpeechUsage, Transcriber } from '../pipeline-providers';
import { alignTranscribedWords } from '../transcription/align-transcribed-words';
import { alignWordsToSpeech } from './align-words-to-speech';
import { analyzeSentenceAudio, type SentenceAudio } from './analyze-sentence-audio';
import { assembleSpeech, type TimedSentence } from './assemble-speech';
import { mapWithConcurrency } from '../../process/map-with-concurrency';
import { resolveOpenAIVoice } from './openai-voice';
import { ChildProcessFailure, runChildProcess } from '../../process/run-child-process';
import { localMediaInput } from '@fenta/media';
import { splitSentenceWords } from './split-sentence-words';
import { synthesisFailure } from './synthesis-failure';

export interface OpenAISpeechSynthesizerOptions {
  apiKey: string;
  /** The API's base URL, `/v1` included; OpenAI's unless told. */
  baseURL?: string;
  /** `gpt-4o-mini-tts` unless told. */
  model?: string;
  /** Per request, ms; 60 s unless told. */
  timeoutMs?: number;
  /** Sentences requested at once; 3 unless told. */
  concurrency?: number;
  /** Silence between sentences, seconds; 0.25 unless told. */
  pauseSeconds?: number;
  /** Gives word timings by transcribing each sentence's audio; without one they are estimated (see below). */
  transcriber?: Transcriber;
}

/**
 * OpenAI's speech API, one request per sentence. Each sentence's audio is
 * measured (read as PCM: its real length, speech span and pauses); word
 * timings come from the transcriber when there is one. What the calls are
 * billed for (the characters of every sentence answered, the seconds of
 * audio transcribed) is the result's usage, and goes to `onBilled` when the
 * synthesis settles, also when a later call failed.
 */
export class OpenAISpeechSynthesizer implements SpeechSynthesizer {
  readonly name = 'openai';
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly pauseSeconds: number;
  private readonly transcriber: Transcriber | undefined;

  constructor(options: OpenAISpeechSynthesizerOptions) {
    const timeoutMs = options.timeoutMs ?? 60_000;
    // The SDK's own retries are off and its timeout is a backstop: callOpenAI times each call, the node's policy retries.
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: timeoutMs + 5_000 });
    this.model = options.model ?? 'gpt-4o-mini-tts';
    this.timeoutMs = timeoutMs;
    this.concurrency = options.concurrency ?? 3;
    this.pauseSeconds = options.pauseSeconds ?? 0.25;
    this.transcriber = options.transcriber;
  }

  async synthesize(request: SpeechRequest, options: SpeechOptions): Promise<SpeechResult> {
    const { signal } = options;
    const voice = resolveOpenAIVoice(request.voice);
    const workDir = await mkdtemp(path.join(options.tempDir, 'openai-tts-'));
    const billed: Billed = { characters: 0, transcribedSeconds: 0, transcriptionModel: undefined };
    try {
      const sentences = await mapWithConcurrency(request.sentences, this.concurrency, signal, async (sentence, i, sentenceSignal): Promise<TimedSentence> => {
        const text = sentence.text.trim();
        const words = splitSentenceWords(text);
        if (words.length === 0) throw new FentaError('PROVIDER_RESPONSE_INVALID', { provider: this.name, reason: `sentence ${i + 1} has no words to speak` });
        const audio = await this.speak(text, voice, request.speed, path.join(workDir, `sentence-${i}`), sentenceSignal, billed);
        const timings = await this.timeWords(words, audio, request, sentenceSignal, billed);
        return { text, beat: sentence.beat, audio, words: timings };
      });
      const outputDir = await mkdtemp(path.join(options.tempDir, 'speech-'));
      const speech = await assembleSpeech(sentences, {
        outputPath: path.join(outputDir, 'speech.wav'),
        pauseSeconds: this.pauseSeconds,
        signal,
        provider: this.name,
      });
      return { ...speech, usage: this.usageOf(billed) };
    } catch (error) {
      throw synthesisFailure(error, this.name, signal);
    } finally {
      await rm(workDir, { recursive: true, force: true });
      if (billed.characters > 0 || billed.transcribedSeconds > 0) options.onBilled?.(this.usageOf(billed));
    }
  }

  private usageOf(billed: Billed): SpeechUsage {
    const transcription = billed.transcriptionModel ? { model: billed.transcriptionModel, seconds: billed.transcribedSeconds } : undefined;
    return { model: this.model, characters: billed.characters, ...(transcription ? { transcription } : {}) };
  }

  /** Requests one sentence and stores it as PCM WAV (a streamed WAV's header may not carry its length). */
  private async speak(text: string, voice: string, speed: number, base: string, signal: AbortSignal, billed: Billed): Promise<SentenceAudio> {
    const bytes = await callOpenAI(this.name, this.timeoutMs, signal, async (attemptSignal) => {
      const response = await this.client.audio.speech.create(
        { model: this.model, voice, input: text, speed, response_format: 'wav' },
        { signal: attemptSignal },
      );
      return Buffer.from(await response.arrayBuffer());
    });
    // Answered, so billed: by the characters of the input, counted as code points (an emoji is one, not two UTF-16 units).
    billed.characters += [...text].length;
    if (bytes.length === 0) throw new FentaError('PROVIDER_RESPONSE_INVALID', { provider: this.name, reason: 'the speech answer has no audio' });
    await writeFile(`${base}.answer`, bytes);
    await runChildProcess(
      'ffmpeg',
      ['-hide_banner', '-nostats', '-nostdin', '-y', ...localMediaInput(`${base}.answer`), '-ac', '1', '-c:a', 'pcm_s16le', '-f', 'wav', `${base}.wav`],
      { signal },
    ).catch((error: unknown) => {
      if (signal.aborted || (error instanceof ChildProcessFailure && error.notInstalled)) throw error;
      throw new FentaError('PROVIDER_RESPONSE_INVALID', { provider: this.name, reason: 'the speech answer is not audio ffmpeg can decode' }, { cause: error });
    });
    return analyzeSentenceAudio(`${base}.wav`, { signal, provider: this.name });
  }

  private async timeWords(words: string[], audio: SentenceAudio, request: SpeechRequest, signal: AbortSignal, billed: Billed): Promise<WordTiming[]> {
    const span = { start: audio.speechStart, end: audio.speechEnd };
    if (this.transcriber) {
      const heard = await this.transcriber.transcribe(audio.path, {
        lang: request.lang,
        signal,
        onBilled: (usage) => {
          billed.transcribedSeconds += usage.seconds;
          billed.transcriptionModel = usage.model;
        },
      });
      const timed = alignTranscribedWords(words, heard.words, span);
      if (timed) return timed;
    }
    // Fallback without a transcriber (or when it heard nothing): the measured
    // speech span is shared out by each word's written length as an estimate
    // of its spoken length, anchored on the pauses found in the audio.
    return alignWordsToSpeech({
      words,
      weights: words.map((word) => (word.match(/[\p{L}\p{N}]/gu)?.length ?? 0) + 1),
      speechStart: span.start,
      speechEnd: span.end,
      silences: audio.silences,
      pauseMinSeconds: 0.1 / request.speed,
    });
  }
}

/** What one synthesis has been billed for so far, summed over its sentences. */
interface Billed {
  characters: number;
  transcribedSeconds: number;
  transcriptionModel: string | undefined;
}
