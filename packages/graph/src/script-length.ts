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

/** The beat count and spoken length a `Script.Generate` node with these params asks for, within its bounds. */
export function scriptLength(params: { prompt: string; beats?: number; target_seconds?: number }): { beats: number; targetSeconds: number } {
  const fromPrompt = readPromptLength(params.prompt);
  const { beats, targetSeconds } = scriptLengthBounds;
  return {
    beats: Math.min(beats.max, Math.max(beats.min, params.beats ?? fromPrompt.beats ?? scriptLengthDefaults.beats)),
    targetSeconds: Math.min(
      targetSeconds.max,
      Math.max(targetSeconds.min, params.target_seconds ?? fromPrompt.targetSeconds ?? scriptLengthDefaults.targetSeconds),
    ),
  };
}
