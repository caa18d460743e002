import type { WordTiming } from '../../artifacts/artifact-types';

/** Lowercase letters and digits only: how a heard word is compared with a written one. */
function comparable(word: string): string {
  return word
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Gives the script's words (as written, punctuation kept) the times a
 * transcription heard them at. Words are matched in order by edit distance,
 * so a misheard or extra word does not shift the rest; a heard word with no
 * written match (a number read as two words) widens the written word before
 * it; a written word nobody heard gets the time between its neighbours,
 * shared by length (nothing when the neighbours leave no time). All times
 * stay inside `span`. Undefined when nothing was heard.
 */
export function alignTranscribedWords(written: string[], heard: WordTiming[], span: { start: number; end: number }): WordTiming[] | undefined {
  const spoken = heard.filter((w) => comparable(w.word) && w.end >= w.start);
  if (written.length === 0 || spoken.length === 0) return undefined;
  const pairs = matchInOrder(
    written.map(comparable),
    spoken.map((w) => comparable(w.word)),
  );

  const times: Array<{ start: number; end: number } | undefined> = written.map(() => undefined);
  let lastWritten = -1;
  let heardIndex = 0;
  for (const [w, h] of pairs) {
    // Unmatched heard words before this pair belong to the written word before them.
    for (; heardIndex < h; heardIndex += 1) {
      const previous = lastWritten >= 0 ? times[lastWritten] : undefined;
      if (previous) previous.end = Math.max(previous.end, spoken[heardIndex]!.end);
    }
    times[w] = { start: spoken[h]!.start, end: spoken[h]!.end };
    lastWritten = w;
    heardIndex = h + 1;
  }
  for (; heardIndex < spoken.length; heardIndex += 1) {
    const previous = lastWritten >= 0 ? times[lastWritten] : undefined;
    if (previous) previous.end = Math.max(previous.end, spoken[heardIndex]!.end);
  }

  const clamp = (t: number) => Math.min(span.end, Math.max(span.start, t));
  const result: WordTiming[] = [];
  for (let i = 0; i < written.length;) {
    const known = times[i];
    const floor = result.length > 0 ? result[result.length - 1]!.end : span.start;
    if (known) {
      const start = Math.max(floor, clamp(known.start));
      result.push({ word: written[i]!, start, end: Math.max(start, clamp(known.end)) });
      i += 1;
      continue;
    }
    // A run of unheard words fills the gap up to the next heard word.
    let j = i;
    while (j < written.length && !times[j]) j += 1;
    const ceiling = j < written.length ? Math.max(floor, clamp(times[j]!.start)) : span.end;
    const run = written.slice(i, j);
    const total = run.reduce((sum, word) => sum + word.length, 0);
    let at = floor;
    for (const word of run) {
      const end = at + ((ceiling - floor) * word.length) / total;
      result.push({ word, start: at, end });
      at = end;
    }
    i = j;
  }
  return result;
}

/** Index pairs (written, heard) of a minimal edit alignment; substitutions count as matches of misheard words. */
function matchInOrder(written: string[], heard: string[]): Array<[number, number]> {
  const n = written.length;
  const m = heard.length;
  const cost: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= n; i += 1) {
    for (let j = 1; j <= m; j += 1) {
      const same = written[i - 1] === heard[j - 1] ? 0 : 1;
      cost[i]![j] = Math.min(cost[i - 1]![j - 1]! + same, cost[i - 1]![j]! + 1, cost[i]![j - 1]! + 1);
    }
  }
  const pairs: Array<[number, number]> = [];
  let i = n;
  let j = m;
  while (i > 0 && j > 0) {
    const same = written[i - 1] === heard[j - 1] ? 0 : 1;
    if (cost[i]![j] === cost[i - 1]![j - 1]! + same) {
      pairs.push([i - 1, j - 1]);
      i -= 1;
      j -= 1;
    } else if (cost[i]![j] === cost[i - 1]![j]! + 1) i -= 1;
    else j -= 1;
  }
  return pairs.reverse();
}
