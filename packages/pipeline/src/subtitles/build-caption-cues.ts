import type { CaptionCue, SentenceTiming, WordTiming } from '../artifacts/artifact-types';
import { joinWords } from '../text/join-words';

/** The limits a cue is laid out within. */
export interface CueLayout {
  /** The widest a line may be, in pixels (see captionGeometry). */
  maxLineWidth: number;
  /** The most characters on one line. */
  maxCharsPerLine: number;
  /** The most lines on screen at once. */
  maxLines: number;
  /** The longest a cue may stay on screen, seconds (from its first word's start to its last word's end). */
  maxCueSeconds: number;
  /** The drawn width of a line made of these words (joined as joinWords joins them), in pixels. */
  lineWidth(words: string[]): number;
}

/**
 * Cuts sentences into caption cues. A cue never crosses a sentence boundary,
 * holds at most `maxLines` lines that each fit the line width and character
 * limit, and lasts at most `maxCueSeconds`; its times are its words' times.
 * Words are taken greedily, a full cue ending at a comma (or other clause
 * break) in its second half rather than mid-clause; a single word too wide
 * for a line still gets a cue of its own (a word is never split; the ASS
 * writer draws that cue smaller to fit). Words of scripts written without
 * spaces join without one, so a Japanese line breaks between its words.
 */
export function buildCaptionCues(sentences: SentenceTiming[], layout: CueLayout): CaptionCue[] {
  const cues: CaptionCue[] = [];
  for (const sentence of sentences) {
    const groups: WordTiming[][] = [];
    let current: WordTiming[] = [];
    for (const word of sentence.words) {
      if (current.length === 0 || fits([...current, word], layout)) {
        current.push(word);
        continue;
      }
      // The cue is full: end it at a clause break in its second half, if it has one, and carry the rest on.
      const cut = clauseCut(current);
      groups.push(current.slice(0, cut));
      current = current.slice(cut);
      if (current.length > 0 && !fits([...current, word], layout)) {
        groups.push(current);
        current = [];
      }
      current.push(word);
    }
    if (current.length > 0) groups.push(current);
    rebalanceLastWord(groups, layout);
    for (const words of groups) {
      cues.push({
        start: words[0]!.start,
        end: words[words.length - 1]!.end,
        lines: breakLines(words, layout) ?? [joinWords(words.map((w) => w.word))],
        words: words.map((w) => ({ ...w })),
      });
    }
  }
  return cues;
}

/**
 * The lines of a cue: one line when the words fit on one, else the break into
 * `maxLines` lines whose widest line is narrowest (balanced lines read
 * better than a full line over a stub). Undefined when the words do not fit.
 */
export function breakLines(words: WordTiming[], layout: CueLayout): string[] | undefined {
  const texts = words.map((w) => w.word);
  const best = bestBreak(texts, layout.maxLines, layout);
  return best?.lines;
}

function bestBreak(texts: string[], lines: number, layout: CueLayout): { lines: string[]; widest: number } | undefined {
  if (fitsOnLine(texts, layout)) return { lines: [joinWords(texts)], widest: layout.lineWidth(texts) };
  if (lines <= 1) return undefined;
  let best: { lines: string[]; widest: number } | undefined;
  for (let split = 1; split < texts.length; split += 1) {
    const head = texts.slice(0, split);
    if (!fitsOnLine(head, layout)) break;
    const rest = bestBreak(texts.slice(split), lines - 1, layout);
    if (!rest) continue;
    const widest = Math.max(layout.lineWidth(head), rest.widest);
    if (!best || widest < best.widest) best = { lines: [joinWords(head), ...rest.lines], widest };
  }
  return best;
}

const clauseEnd = /[,;:—–、，；：](["'”’»)」』])*$/u;

/** Where to end a full cue: after the last clause break in its second half, else after all its words. */
function clauseCut(words: WordTiming[]): number {
  for (let i = words.length - 2; i >= Math.ceil(words.length / 2) - 1; i -= 1) {
    if (clauseEnd.test(words[i]!.word)) return i + 1;
  }
  return words.length;
}

function fits(words: WordTiming[], layout: CueLayout): boolean {
  return fitsInTime(words, layout) && breakLines(words, layout) !== undefined;
}

function fitsOnLine(texts: string[], layout: CueLayout): boolean {
  return [...joinWords(texts)].length <= layout.maxCharsPerLine && layout.lineWidth(texts) <= layout.maxLineWidth;
}

function fitsInTime(words: WordTiming[], layout: CueLayout): boolean {
  return words[words.length - 1]!.end - words[0]!.start <= layout.maxCueSeconds;
}

/** A sentence's last cue holding one word takes the word before it too, when both cues still fit: no one-word stub flashes by. */
function rebalanceLastWord(groups: WordTiming[][], layout: CueLayout): void {
  if (groups.length < 2) return;
  const last = groups[groups.length - 1]!;
  const previous = groups[groups.length - 2]!;
  if (last.length !== 1 || previous.length < 3) return;
  const moved = [previous[previous.length - 1]!, ...last];
  const kept = previous.slice(0, -1);
  if (fits(moved, layout) && fits(kept, layout)) {
    groups[groups.length - 2] = kept;
    groups[groups.length - 1] = moved;
  }
}
