/**
 * How long a script `Script.Generate` writes is: its params say, else its
 * prompt ("30s punchy headline + 3 beats"), else the defaults. The node asks
 * the writer for this length, and job creation estimates the render from it,
 * so both read it the same way.
 */

/** What a prompt says about the script's size, e.g. "30s punchy headline + 3 beats". */
export interface PromptLength {
  beats?: number;
  targetSeconds?: number;
}

/** A headline and three beats, about half a minute spoken, unless the params or the prompt say otherwise. */
export const scriptLengthDefaults = { beats: 3, targetSeconds: 30 } as const;

/** The bounds of `Script.Generate`'s params: 1–10 beats, 5–180 seconds. */
export const scriptLengthBounds = { beats: { min: 1, max: 10 }, targetSeconds: { min: 5, max: 180 } } as const;

/**
 * Reads a beat count ("3 beats") and a length ("30s", "45 sec", "1 min",
 * "90 seconds") from a prompt; what is not there stays undefined.
 */
export function readPromptLength(prompt: string): PromptLength {
  const result: PromptLength = {};
  const beats = /\b(\d{1,2})\s*(?:beats?|points?|parts?)\b/i.exec(prompt);
  if (beats) result.beats = Number(beats[1]);
  const seconds = /\b(\d{1,3})\s*(?:s|sec|secs|seconds?)\b/i.exec(prompt);
  const minutes = /\b(\d{1,2})\s*(?:m|min|mins|minutes?)\b/i.exec(prompt);
  if (seconds) result.targetSeconds = Number(seconds[1]);
  else if (minutes) result.targetSeconds = Number(minutes[1]) * 60;
  return result;
}

/** The params of `Script.Generate` that decide its length. */
export interface ScriptLengthParams {
  provider?: string;
  prompt?: string;
  beats?: number | Array<{ text: string }>;
  target_seconds?: number;
  text?: string;
}

/**
 * The beat count and spoken length a `Script.Generate` node with these params
 * asks for, within its bounds. A script the caller gave is as long as it is:
 * its beats, and about 2.5 words (or 5 characters of a script written without
 * spaces, such as Japanese) a second, unless `target_seconds` says otherwise.
 */
export function scriptLength(params: ScriptLengthParams): { beats: number; targetSeconds: number } {
  const { beats, targetSeconds } = scriptLengthBounds;
  const clamp = (value: number, bounds: { min: number; max: number }) => Math.min(bounds.max, Math.max(bounds.min, value));
  if (params.provider === 'given') {
    const given = Array.isArray(params.beats) ? params.beats.map((beat) => beat.text) : [params.text ?? ''];
    const spoken = params.target_seconds ?? given.reduce((sum, text) => sum + spokenSecondsOf(text), 0);
    return { beats: clamp(Array.isArray(params.beats) ? params.beats.length : 1, beats), targetSeconds: clamp(spoken, targetSeconds) };
  }
  const fromPrompt = readPromptLength(params.prompt ?? '');
  const count = typeof params.beats === 'number' ? params.beats : undefined;
  return {
    beats: clamp(count ?? fromPrompt.beats ?? scriptLengthDefaults.beats, beats),
    targetSeconds: clamp(params.target_seconds ?? fromPrompt.targetSeconds ?? scriptLengthDefaults.targetSeconds, targetSeconds),
  };
}

// Characters of scripts written without spaces between words: each is about a syllable.
const unspacedCharacter = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/gu;

// Narration words a second at normal speed, measured on the voices Fenta speaks
// with (espeak-ng and OpenAI's read English a little faster than Spanish or
// German, whose words are longer); other languages take the general 2.5.
const wordsPerSecond: Record<string, number> = { en: 3.2, es: 2.9, de: 2.9 };

/**
 * Words a second a narration in `lang` is read at (its base language counts:
 * `en-US` is `en`) by a voice at `speed` (Voice.TTS's factor, 1 = normal).
 */
export function wordsPerSecondOf(lang?: string, speed = 1): number {
  return (wordsPerSecond[lang?.trim().toLowerCase().split(/[-_]/)[0] ?? ''] ?? 2.5) * speed;
}

/**
 * About how long `text` takes to say in `lang` at `speed`: the language's
 * words a second (2.5 unless known, see wordsPerSecondOf), 5 characters a
 * second where words are not spaced.
 */
export function spokenSecondsOf(text: string, lang?: string, speed = 1): number {
  const unspaced = text.match(unspacedCharacter)?.length ?? 0;
  const words = text.replace(unspacedCharacter, ' ').match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
  return words / wordsPerSecondOf(lang, speed) + unspaced / (5 * speed);
}
