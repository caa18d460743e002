import type { SentenceTiming, WordTiming } from '../../artifacts/artifact-types';
import type { SpeechResult } from '../pipeline-providers';
import type { SentenceAudio } from './analyze-sentence-audio';
import { readPcmWav } from './pcm-wav';
import { runChildProcess } from '../../process/run-child-process';
import { localMediaInput } from '@fenta/media';

/** One synthesized sentence with its words placed in its own audio file's clock. */
export interface TimedSentence {
  text: string;
  beat: number;
  audio: SentenceAudio;
  words: WordTiming[];
}

/** Narration audio is 48 kHz mono 16-bit PCM WAV: the rate video audio is encoded at, so rendering never resamples it. */
export const speechSampleRate = 48_000;

/**
 * Joins sentences into one WAV: each sentence cut to its speech (leading and
 * trailing silence dropped) and a fixed pause between sentences. Sentence
 * and word timings are moved into the joined file's clock; the cuts are
 * made in samples, so the timings are where the audio really is.
 */
export async function assembleSpeech(
  sentences: TimedSentence[],
  options: { outputPath: string; pauseSeconds: number; signal: AbortSignal; provider: string },
): Promise<SpeechResult> {
  const pauseSamples = Math.round(options.pauseSeconds * speechSampleRate);
  const format = `aformat=sample_fmts=s16:sample_rates=${speechSampleRate}:channel_layouts=mono`;
  const inputs: string[] = [];
  const filters: string[] = [];
  const labels: string[] = [];
  const timings: SentenceTiming[] = [];
  let offset = 0;
  sentences.forEach((sentence, i) => {
    const { audio } = sentence;
    const first = Math.round(audio.speechStart * audio.sampleRate);
    const last = Math.round(audio.speechEnd * audio.sampleRate);
    const length = (last - first) / audio.sampleRate;
    inputs.push(...localMediaInput(audio.path));
    filters.push(`[${i}:a]atrim=start_sample=${first}:end_sample=${last},asetpts=PTS-STARTPTS,aresample=${speechSampleRate},${format}[s${i}]`);
    labels.push(`[s${i}]`);
    if (i < sentences.length - 1) {
      filters.push(`anullsrc=r=${speechSampleRate}:cl=mono,atrim=end_sample=${pauseSamples},${format}[p${i}]`);
      labels.push(`[p${i}]`);
    }
    const shift = offset - first / audio.sampleRate;
    const place = (t: number) => milliseconds(Math.min(offset + length, Math.max(offset, t + shift)));
    timings.push({
      text: sentence.text,
      beat: sentence.beat,
      start: milliseconds(offset),
      end: milliseconds(offset + length),
      words: sentence.words.map((w) => ({ word: w.word, start: place(w.start), end: place(w.end) })),
    });
    offset += length + pauseSamples / speechSampleRate;
  });
  filters.push(`${labels.join('')}concat=n=${labels.length}:v=0:a=1[speech]`);
  await writeSpeechWav(inputs, filters.join(';'), options.outputPath, options.signal);
  const joined = await readPcmWav(options.outputPath, options);
  return {
    audioPath: options.outputPath,
    contentType: 'audio/wav',
    sampleRate: joined.sampleRate,
    durationSeconds: joined.durationSeconds,
    sentences: timings,
  };
}

/** Runs ffmpeg over `inputs` with a filter graph ending in `[speech]`, written as 16-bit PCM WAV. */
export async function writeSpeechWav(inputs: string[], filterGraph: string, outputPath: string, signal: AbortSignal): Promise<void> {
  await runChildProcess(
    'ffmpeg',
    ['-hide_banner', '-nostats', '-nostdin', '-y', ...inputs, '-filter_complex', filterGraph, '-map', '[speech]', '-c:a', 'pcm_s16le', '-f', 'wav', outputPath],
    { signal },
  );
}

function milliseconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
