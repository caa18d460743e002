/** What a prompt says about the script's size, e.g. "30s punchy headline + 3 beats". */
export interface PromptLength {
  beats?: number;
  targetSeconds?: number;
}

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
