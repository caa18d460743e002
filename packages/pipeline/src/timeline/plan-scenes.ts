import type { SentenceTiming } from '../artifacts/artifact-types';

/** A span of the output timeline shown with one piece of footage, seconds. */
export interface Scene {
  start: number;
  end: number;
  /** The script beat being spoken when the scene starts (its footage is looked for first among that beat's clips). */
  beat: number;
}

export interface SceneRules {
  minScene: number;
  maxScene: number;
}

/** Rounds to the frame grid, so every cut lands on a frame and clip lengths add up exactly. */
export function toFrame(seconds: number, fps: number): number {
  return Math.round(seconds * fps) / fps;
}

/**
 * Splits `[0, duration]` into scenes that cut where speech starts a sentence
 * (a beat starts with a sentence, so beat starts are among them). A cut that
 * would leave a scene shorter than `minScene` is dropped (the short span joins
 * the scene before it); a span longer than `maxScene` is split into equal
 * parts, each split moved to the nearest word start when that keeps every part
 * within the rules, so cuts fall between words rather than inside them.
 */
export function planScenes(sentences: SentenceTiming[], duration: number, rules: SceneRules, fps: number): Scene[] {
  const candidates = [...new Set(sentences.map((s) => toFrame(s.start, fps)))].sort((a, b) => a - b);
  const cuts: number[] = [];
  let previous = 0;
  for (const cut of candidates) {
    if (cut - previous >= rules.minScene && duration - cut >= rules.minScene) {
      cuts.push(cut);
      previous = cut;
    }
  }
  const wordStarts = sentences.flatMap((s) => s.words.map((w) => toFrame(w.start, fps)));
  const bounds = [0, ...cuts, duration];
  const scenes: Array<Omit<Scene, 'beat'>> = [];
  for (let i = 0; i + 1 < bounds.length; i += 1) {
    scenes.push(...splitLongSpan(bounds[i]!, bounds[i + 1]!, rules, fps, wordStarts));
  }
  return scenes.map((scene) => ({ ...scene, beat: beatAt(sentences, scene.start, fps) }));
}

/** The beat of the last sentence that has started by `time` (the first sentence's before it). */
function beatAt(sentences: SentenceTiming[], time: number, fps: number): number {
  let beat = sentences[0]?.beat ?? 0;
  for (const sentence of sentences) if (toFrame(sentence.start, fps) <= time) beat = sentence.beat;
  return beat;
}

function splitLongSpan(start: number, end: number, rules: SceneRules, fps: number, wordStarts: number[]): Array<Omit<Scene, 'beat'>> {
  const length = end - start;
  // A tiny tolerance so a span of exactly maxScene (after frame rounding) is not split.
  const parts = Math.max(1, Math.ceil(length / rules.maxScene - 1e-6));
  if (parts === 1) return [{ start, end }];
  const scenes: Array<Omit<Scene, 'beat'>> = [];
  let from = start;
  for (let k = 1; k < parts; k += 1) {
    const remainingParts = parts - k;
    // Even split of what is left, so a moved cut is made up for by the parts after it.
    const even = toFrame(from + (end - from) / (remainingParts + 1), fps);
    const fits = (cut: number) =>
      cut - from >= rules.minScene &&
      cut - from <= rules.maxScene &&
      end - cut >= remainingParts * rules.minScene &&
      end - cut <= remainingParts * rules.maxScene;
    const nearestWord = wordStarts.filter((w) => w > from && w < end && fits(w)).sort((a, b) => Math.abs(a - even) - Math.abs(b - even))[0];
    // Only move to a word start close to the even split; far ones would make scene lengths lopsided.
    const cut = nearestWord !== undefined && Math.abs(nearestWord - even) <= length / parts / 3 ? nearestWord : even;
    scenes.push({ start: from, end: cut });
    from = cut;
  }
  scenes.push({ start: from, end });
  return scenes;
}
