import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import OpenAI, { toFile } from 'openai';
import { z } from 'zod';
import { callOpenAI } from '../openai-http-errors';
import type { Transcriber, Transcription, TranscriptionUsage } from '../pipeline-providers';
import { probeAudio } from '../tts/probe-audio';

export interface OpenAITranscriberOptions {
  apiKey: string;
  /** The API's base URL, `/v1` included; OpenAI's unless told. */
  baseURL?: string;
  /** `whisper-1` unless told: the model that gives word timestamps. */
  model?: string;
  /** Per request, ms; 120 s unless told. */
  timeoutMs?: number;
}

// The part of a verbose_json answer that is used; anything else may vary.
const verboseTranscription = z.object({
  text: z.string(),
  words: z.array(z.object({ word: z.string(), start: z.number().nonnegative(), end: z.number().nonnegative() })),
});

// What the answer says the audio lasted: what the transcription is billed for.
const billedSeconds = z.number().finite().nonnegative();

const audioTypes: Record<string, string> = { '.wav': 'audio/wav', '.mp3': 'audio/mpeg', '.m4a': 'audio/mp4', '.flac': 'audio/flac', '.ogg': 'audio/ogg' };

/**
 * Word timestamps from OpenAI's transcription API (`verbose_json`, word
 * granularity). Each transcription reports the audio's length, which it is
 * billed by: the answer's `duration`, or the file's own when an answer has none.
 */
export class OpenAITranscriber implements Transcriber {
  readonly name = 'openai';
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly timeoutMs: number;

  constructor(options: OpenAITranscriberOptions) {
    const timeoutMs = options.timeoutMs ?? 120_000;
    // The SDK's own retries are off and its timeout is a backstop: callOpenAI times each call, the node's policy retries.
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: timeoutMs + 5_000 });
    this.model = options.model ?? 'whisper-1';
    this.timeoutMs = timeoutMs;
  }

  async transcribe(audioPath: string, options: { lang: string; signal: AbortSignal; onBilled?: (usage: TranscriptionUsage) => void }): Promise<Transcription> {
    const audio = await readFile(audioPath);
    const name = path.basename(audioPath);
    const type = audioTypes[path.extname(audioPath).toLowerCase()] ?? 'application/octet-stream';
    // Whisper takes ISO-639-1: `en`, not `en-US`.
    const language = options.lang.trim().toLowerCase().split(/[-_]/)[0] || undefined;
    const answer = await callOpenAI(this.name, this.timeoutMs, options.signal, async (attemptSignal) =>
      this.client.audio.transcriptions.create(
        {
          file: await toFile(audio, name, { type }),
          model: this.model,
          response_format: 'verbose_json',
          timestamp_granularities: ['word'],
          language,
        },
        { signal: attemptSignal },
      ),
    );
    // Billed by the length of the audio sent, as the answer states it (else as measured here), whatever the answer holds.
    const duration = billedSeconds.safeParse((answer as { duration?: unknown }).duration);
    let unmeasured: unknown;
    const seconds = duration.success
      ? duration.data
      : await probeAudio(audioPath, { signal: options.signal, provider: this.name }).then(
          (probe) => probe.durationSeconds,
          (error: unknown) => {
            // The answer is checked first: an unusable answer is the failure to report.
            unmeasured = error;
            return undefined;
          },
        );
    const usage = seconds === undefined ? undefined : { model: this.model, seconds };
    if (usage) options.onBilled?.(usage);
    const parsed = verboseTranscription.safeParse(answer);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FentaError('PROVIDER_RESPONSE_INVALID', {
        provider: this.name,
        reason: `the transcription has no word timestamps (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unexpected shape'})`,
      });
    }
    if (!usage) throw unmeasured;
    return {
      text: parsed.data.text.trim(),
      words: parsed.data.words.map((w) => ({ word: w.word.trim(), start: w.start, end: Math.max(w.start, w.end) })),
      usage,
    };
  }
}
