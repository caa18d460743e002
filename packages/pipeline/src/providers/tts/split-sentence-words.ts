const speakable = /[\p{L}\p{N}]/u;

/**
 * Splits a sentence into the words captions show, punctuation kept on its
 * word ("tonight,"). A token with nothing to speak (a dash, an ellipsis) joins
 * the word before it, or the word after when it comes first, so every word
 * has sound and timings stay one per spoken word.
 */
export function splitSentenceWords(text: string): string[] {
  const words: string[] = [];
  let pending = '';
  for (const token of text.trim().split(/\s+/u).filter(Boolean)) {
    if (!speakable.test(token)) {
      if (words.length > 0) words[words.length - 1] += ` ${token}`;
      else pending += pending ? ` ${token}` : token;
      continue;
    }
    words.push(pending ? `${pending} ${token}` : token);
    pending = '';
  }
  return words;
}
