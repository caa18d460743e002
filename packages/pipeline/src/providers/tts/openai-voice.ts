// The voices of OpenAI's speech API.
const openAIVoices = new Set(['alloy', 'ash', 'ballad', 'cedar', 'coral', 'echo', 'fable', 'marin', 'nova', 'onyx', 'sage', 'shimmer', 'verse']);

/**
 * The OpenAI voice for a node's voice param: a voice name, or a voice with a
 * language suffix as in the sample workflow (`alloy_en` → `alloy`). Anything
 * else (a custom voice id) is passed on as it is.
 */
export function resolveOpenAIVoice(voice: string): string {
  const name = voice.trim();
  const lower = name.toLowerCase();
  if (openAIVoices.has(lower)) return lower;
  const prefix = lower.split('_')[0] ?? '';
  return lower.includes('_') && openAIVoices.has(prefix) ? prefix : name;
}
