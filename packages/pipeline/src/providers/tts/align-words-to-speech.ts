import type { WordTiming } from '../../artifacts/artifact-types';
import type { Silence } from './detect-silences';

/** What is known about one sentence's audio and words when placing the words in time. */
export interface WordAlignmentInput {
  /** The sentence's words, in order. */
  words: string[];
  /** Each word's relative spoken length (e.g. its duration when synthesized on its own); positive. */
  weights: number[];
  /** The span of speech in the audio, seconds. */
  speechStart: number;
  speechEnd: number;
  /** Silences strictly inside the speech, in order. */
  silences: Silence[];
  /** Silences at least this long are pauses (punctuation, breath): no word spans one. */
  pauseMinSeconds: number;
}

const clauseEnd = /[,;:.!?…—–)\]]["'”’»)]*$/u;

/**
 * Places words in a sentence's audio from what the audio itself shows.
 * Pauses are matched to word boundaries (punctuation preferred, in order,
 * by dynamic programming); between pauses the speech is shared out by the
 * words' synthesized lengths; a shorter silence near a shared-out boundary
 * then moves that boundary onto the silence, where the words really part.
 */
export function alignWordsToSpeech(input: WordAlignmentInput): WordTiming[] {
  const { words, speechStart, speechEnd } = input;
  const n = words.length;
  if (n === 0) return [];
  const weights = words.map((_, i) => Math.max(input.weights[i] ?? 0, 1e-3));
  const pauses = input.silences.filter((s) => s.end - s.start >= input.pauseMinSeconds);
  const anchors = matchPausesToBoundaries(words, weights, pauses, speechStart, speechEnd);

  const timings: WordTiming[] = [];
  let from = 0;
  let segmentStart = speechStart;
  for (const boundary of [...anchors.keys(), n]) {
    const pause = anchors.get(boundary);
    const segmentEnd = pause ? pause.start : speechEnd;
    timings.push(...shareOut(words.slice(from, boundary), weights.slice(from, boundary), segmentStart, segmentEnd));
    from = boundary;
    segmentStart = pause ? pause.end : speechEnd;
  }
  const anchored = new Set(anchors.values());
  snapToShortSilences(
    timings,
    input.silences.filter((s) => !anchored.has(s)),
    anchors,
  );
  return timings;
}

/** Which boundary (index of the word after it) each pause falls on; pauses that fit no boundary are left out. */
function matchPausesToBoundaries(words: string[], weights: number[], pauses: Silence[], speechStart: number, speechEnd: number): Map<number, Silence> {
  const n = words.length;
  const m = pauses.length;
  if (m === 0 || n < 2) return new Map();
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative = [0];
  for (const weight of weights) cumulative.push((cumulative[cumulative.length - 1] ?? 0) + weight / total);
  const voiced = Math.max(1e-3, speechEnd - speechStart - pauses.reduce((sum, p) => sum + (p.end - p.start), 0));
  let pausedBefore = 0;
  const pauseFraction = pauses.map((p) => {
    const fraction = (p.start - speechStart - pausedBefore) / voiced;
    pausedBefore += p.end - p.start;
    return fraction;
  });
  // Cost in seconds of speech: how far the words' shared-out boundary is from the pause.
  // A boundary after punctuation costs half, as that is where a synthesizer pauses.
  const cost = (pause: number, boundary: number) =>
    Math.abs((pauseFraction[pause] ?? 0) - (cumulative[boundary] ?? 0)) * voiced * (clauseEnd.test(words[boundary - 1] ?? '') ? 0.5 : 1);
  const skip = voiced / n;

  // best[j][k]: cheapest placement of the first j pauses on boundaries 1..k.
  const best: number[][] = Array.from({ length: m + 1 }, (_, j) => Array.from({ length: n }, () => j * skip));
  for (let j = 1; j <= m; j += 1) {
    for (let k = 1; k < n; k += 1) {
      best[j]![k] = Math.min(best[j]![k - 1]!, best[j - 1]![k - 1]! + cost(j - 1, k), best[j - 1]![k]! + skip);
    }
  }
  const anchors = new Map<number, Silence>();
  let j = m;
  let k = n - 1;
  while (j > 0 && k > 0) {
    const here = best[j]![k]!;
    if (here === best[j]![k - 1]) k -= 1;
    else if (here === best[j - 1]![k - 1]! + cost(j - 1, k)) {
      anchors.set(k, pauses[j - 1]!);
      j -= 1;
      k -= 1;
    } else j -= 1;
  }
  return new Map([...anchors.entries()].sort(([a], [b]) => a - b));
}

function shareOut(words: string[], weights: number[], start: number, end: number): WordTiming[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const span = Math.max(0, end - start);
  let at = start;
  return words.map((word, i) => {
    const wordStart = at;
    at = i === words.length - 1 ? end : at + (span * (weights[i] ?? 0)) / total;
    return { word, start: wordStart, end: at };
  });
}

/**
 * Moves shared-out boundaries onto nearby silences. Only a silence within
 * 30% of the shorter neighbour's length counts: a stop consonant's closure
 * deep inside a word is not a word boundary.
 */
function snapToShortSilences(timings: WordTiming[], silences: Silence[], anchors: Map<number, Silence>): void {
  const used = new Set<Silence>();
  for (let i = 0; i + 1 < timings.length; i += 1) {
    if (anchors.has(i + 1)) continue;
    const left = timings[i]!;
    const right = timings[i + 1]!;
    const boundary = left.end;
    const tolerance = 0.3 * Math.min(left.end - left.start, right.end - right.start);
    let nearest: Silence | undefined;
    for (const silence of silences) {
      if (used.has(silence) || silence.start <= left.start || silence.end >= right.end) continue;
      const distance = Math.abs((silence.start + silence.end) / 2 - boundary);
      if (distance <= tolerance && (!nearest || distance < Math.abs((nearest.start + nearest.end) / 2 - boundary))) nearest = silence;
    }
    if (!nearest) continue;
    used.add(nearest);
    left.end = nearest.start;
    right.start = nearest.end;
  }
}
