import { localMediaInput } from '@fenta/media';
import type { SentenceTiming } from '../../artifacts/artifact-types';
import type { SpeechResult } from '../pipeline-providers';
import { speechSampleRate, writeSpeechWav } from './assemble-speech';
import { readPcmWav } from './pcm-wav';

/**
 * A narration up to this share shorter than its target, and not longer, is
 * left as it was spoken. Never longer: a 60 s target is a Short's limit.
 */
export const speechLengthTolerance = 0.1;

/** Whether a narration of `seconds` meets `targetSeconds`: at most the target, at most 10 % under it. */
export function meetsTarget(seconds: number, targetSeconds: number): boolean {
  return seconds <= targetSeconds && seconds >= targetSeconds * (1 - speechLengthTolerance);
}

const overshootMarginSeconds = 0.1;

// How far the tempo may move without the voice sounding hurried or dragged;
// past these a sentence is dropped (too long) or the shortfall is reported.
const tempoBounds = { slowest: 0.85, fastest: 1.2 } as const;

/** What bringing a narration to its target takes: sentences left out (by index) and a tempo (above 1 is faster). */
export interface SpeechFitPlan {
  drop: number[];
  tempo: number;
  /** How long the narration will be. */
  fittedSeconds: number;
}

/**
 * The change that brings a narration to its target: nothing when it meets
 * it; else, when it may, sentences dropped while it is
 * longer than the fastest tempo can make up (never the first or the last
 * sentence, never a beat's only one: from the beat with the most, its last),
 * then the tempo that makes up the rest, within bounds.
 */
export function planSpeechFit(
  sentences: readonly SentenceTiming[],
  durationSeconds: number,
  targetSeconds: number,
  options: { mayDrop: boolean },
): SpeechFitPlan | undefined {
  if (meetsTarget(durationSeconds, targetSeconds)) return undefined;
  const dropped = new Set<number>();
  let remaining = durationSeconds;
  while (options.mayDrop && remaining / targetSeconds > tempoBounds.fastest) {
    const candidate = droppableSentence(sentences, dropped);
    if (candidate === undefined) break;
    dropped.add(candidate);
    remaining -= sentences[candidate + 1]!.start - sentences[candidate]!.start;
  }
  // Too long: to just under the target (atempo's output runs a few milliseconds
  // either way). Too short: to the middle of what meets it, slowing the voice no more than needed.
  const aim = remaining > targetSeconds ? targetSeconds - overshootMarginSeconds : targetSeconds * (1 - speechLengthTolerance / 2);
  const tempo = Math.round(Math.min(tempoBounds.fastest, Math.max(tempoBounds.slowest, remaining / aim)) * 1000) / 1000;
  return { drop: [...dropped].sort((a, b) => a - b), tempo, fittedSeconds: remaining / tempo };
}

function droppableSentence(sentences: readonly SentenceTiming[], dropped: ReadonlySet<number>): number | undefined {
  const kept = new Map<number, number[]>();
  sentences.forEach((sentence, index) => {
    if (!dropped.has(index)) kept.set(sentence.beat, [...(kept.get(sentence.beat) ?? []), index]);
  });
  let best: number | undefined;
  let bestCount = 1;
  for (const indexes of kept.values()) {
    const candidates = indexes.filter((index) => index !== 0 && index !== sentences.length - 1);
    if (indexes.length > 1 && candidates.length > 0 && indexes.length >= bestCount) {
      bestCount = indexes.length;
      best = candidates[candidates.length - 1];
    }
  }
  return best;
}

/**
 * The narration with the plan carried out, in one ffmpeg run over the joined
 * speech: each dropped sentence cut out with the pause after it (the cuts in
 * samples, at sentence starts the synthesis measured), then `atempo`, which
 * changes the pace and keeps the pitch. Sentence and word timings move with
 * the audio.
 */
export async function applySpeechFit(
  speech: SpeechResult,
  plan: SpeechFitPlan,
  options: { outputPath: string; signal: AbortSignal; provider: string },
): Promise<SpeechResult> {
  const rate = speech.sampleRate;
  const kept = speech.sentences.map((sentence, index) => ({ sentence, index })).filter(({ index }) => !plan.drop.includes(index));
  // Kept stretches of the original audio, in seconds: from each kept sentence's start to the next sentence's start.
  const stretches = kept.map(({ sentence, index }) => ({
    sentence,
    from: sentence.start,
    to: index + 1 < speech.sentences.length ? speech.sentences[index + 1]!.start : speech.durationSeconds,
  }));
  const sample = (seconds: number) => Math.round(seconds * rate);
  const filters = stretches.map(({ from, to }, i) => `[0:a]atrim=start_sample=${sample(from)}:end_sample=${sample(to)},asetpts=PTS-STARTPTS[k${i}]`);
  const tempo = plan.tempo === 1 ? '' : `,atempo=${plan.tempo}`;
  filters.push(
    `${stretches.map((_, i) => `[k${i}]`).join('')}concat=n=${stretches.length}:v=0:a=1${tempo},aformat=sample_fmts=s16:sample_rates=${speechSampleRate}:channel_layouts=mono[speech]`,
  );
  await writeSpeechWav(localMediaInput(speech.audioPath), filters.join(';'), options.outputPath, options.signal);
  const fitted = await readPcmWav(options.outputPath, options);
  let removed = 0;
  let previousEnd = 0;
  const sentences = stretches.map(({ sentence, from, to }) => {
    removed += from - previousEnd;
    previousEnd = to;
    const place = (t: number) => Math.min(fitted.durationSeconds, Math.round(((t - removed) / plan.tempo) * 1000) / 1000);
    return {
      ...sentence,
      start: place(sentence.start),
      end: place(sentence.end),
      words: sentence.words.map((word) => ({ word: word.word, start: place(word.start), end: place(word.end) })),
    };
  });
  return { ...speech, audioPath: options.outputPath, sampleRate: fitted.sampleRate, durationSeconds: fitted.durationSeconds, sentences };
}
