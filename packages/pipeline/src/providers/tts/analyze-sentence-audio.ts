import { FentaError } from '@fenta/core';
import { detectSilences, type Silence, type SilenceThreshold } from './detect-silences';
import { readPcmWav } from './pcm-wav';

/** One synthesized sentence: where its speech is, measured from the audio. */
export interface SentenceAudio {
  path: string;
  sampleRate: number;
  durationSeconds: number;
  /** Where speech begins and ends (leading and trailing silence excluded), seconds in the file. */
  speechStart: number;
  speechEnd: number;
  /** Silences strictly inside the speech: pauses at punctuation, and shorter gaps between words. */
  silences: Silence[];
}

/**
 * -50 dBFS keeps quiet fricatives ("f", "th") inside the speech, and 20 ms is
 * shorter than any pause between words yet longer than the gaps inside a
 * waveform's zero crossings.
 */
export const speechSilenceThreshold: SilenceThreshold = { noiseDb: -50, minSeconds: 0.02 };

/** Measures a sentence's 16-bit PCM WAV: its length, where speech starts and ends, and the silences inside it. */
export async function analyzeSentenceAudio(path: string, options: { signal: AbortSignal; provider: string }): Promise<SentenceAudio> {
  const wav = await readPcmWav(path, options);
  const silences = detectSilences(wav, speechSilenceThreshold);
  // A click on the very first or last sample does not end the silence at that edge (half a sample more, for rounding).
  const edge = 1.5 / wav.sampleRate;
  const leading = silences.find((s) => s.start <= edge);
  const trailing = silences.findLast((s) => s.end >= wav.durationSeconds - edge);
  const speechStart = leading ? leading.end : 0;
  const speechEnd = trailing ? trailing.start : wav.durationSeconds;
  if (speechEnd - speechStart < 0.02) {
    throw new FentaError('PROVIDER_RESPONSE_INVALID', { provider: options.provider, reason: 'a sentence was synthesized as silence' });
  }
  return {
    path,
    sampleRate: wav.sampleRate,
    durationSeconds: wav.durationSeconds,
    speechStart,
    speechEnd,
    silences: silences.filter((s) => s.start > speechStart && s.end < speechEnd),
  };
}
