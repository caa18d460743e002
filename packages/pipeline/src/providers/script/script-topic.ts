import { readPromptLength } from './read-prompt-length';

// Words that carry no subject: articles and particles (en/es/de), and the
// vocabulary of briefs ("30s punchy headline + 3 beats") rather than topics.
const emptyWords = new Set([
  'a',
  'an',
  'the',
  'that',
  'this',
  'its',
  'it',
  'to',
  'of',
  'and',
  'or',
  'in',
  'on',
  'for',
  'with',
  'is',
  'are',
  'was',
  'were',
  'from',
  'by',
  'at',
  'as',
  'be',
  'has',
  'have',
  'their',
  'his',
  'her',
  'our',
  'your',
  'which',
  'who',
  'into',
  'about',
  'el',
  'la',
  'los',
  'las',
  'un',
  'una',
  'de',
  'del',
  'que',
  'en',
  'y',
  'con',
  'por',
  'para',
  'se',
  'su',
  'der',
  'die',
  'das',
  'ein',
  'eine',
  'und',
  'mit',
  'von',
  'zu',
  'im',
  'für',
  'auf',
  'ist',
  'sich',
]);
const briefWords = new Set([
  'punchy',
  'headline',
  'headlines',
  'short',
  'catchy',
  'script',
  'video',
  'beat',
  'beats',
  'second',
  'seconds',
  'sec',
  'hook',
  'engaging',
  'viral',
  'write',
  'make',
  'create',
  'tiktok',
  'reels',
  'shorts',
  'explain',
  'tell',
  'describe',
  'points',
  'parts',
  'story',
  'news',
  'facts',
]);

/**
 * What a script is about: the `topic` variable when there is one, else what
 * is left of the prompt once its length directives and brief vocabulary are
 * taken out (at least two words), else undefined.
 */
export function scriptTopic(prompt: string, variables: Record<string, unknown>): string | undefined {
  const topic = variables.topic;
  if (typeof topic === 'string' && topic.trim()) return topic.replace(/\s+/g, ' ').trim();
  const length = readPromptLength(prompt);
  let rest = prompt;
  if (length.beats !== undefined) rest = rest.replace(/\b\d{1,2}\s*(?:beats?|points?|parts?)\b/i, ' ');
  if (length.targetSeconds !== undefined) rest = rest.replace(/\b\d{1,3}\s*(?:s|sec|secs|seconds?|m|min|mins|minutes?)\b/i, ' ');
  const words = rest.split(/[^\p{L}\p{N}'-]+/u).filter((word) => word && !briefWords.has(word.toLowerCase()));
  // "a story about the moon landing" → "moon landing": leading particles are the brief's, not the topic's.
  while (words.length > 0 && emptyWords.has(words[0]!.toLowerCase())) words.shift();
  const meaningful = words.filter((word) => !emptyWords.has(word.toLowerCase()));
  return meaningful.length >= 2 ? words.join(' ') : undefined;
}

/** The words of a topic worth searching footage for: no articles or particles, three letters or more, each once, in order. */
export function topicKeywords(topic: string): string[] {
  const seen = new Set<string>();
  const keywords: string[] = [];
  for (const word of topic.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (word.length < 3 || emptyWords.has(word) || seen.has(word)) continue;
    seen.add(word);
    keywords.push(word);
  }
  return keywords;
}
