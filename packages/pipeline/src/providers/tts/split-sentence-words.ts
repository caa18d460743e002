import { breakUnits } from '../../text/break-units';
import { spacelessScript } from '../../text/join-words';

const speakable = /[\p{L}\p{N}]/u;

/**
 * Splits a sentence into the words captions show, punctuation kept on its
 * word ("tonight,"). Text in a script written without spaces (Chinese,
 * Japanese, Thai) is cut into its dictionary words (`東京タワー`, `に`), not
 * left as one "word" the length of the sentence: each word is then measured
 * in the audio like any other. A token with nothing to speak (a dash, an
 * ellipsis) joins the word before it, or the word after when it comes first,
 * so every word has sound and timings stay one per spoken word.
 */
export function splitSentenceWords(text: string): string[] {
  const words: string[] = [];
  let pending = '';
  const tokens = text
    .trim()
    .split(/\s+/u)
    .filter(Boolean)
    .flatMap((token) => (spacelessScript.test(token) ? breakUnits(token) : [token]));
  for (const token of tokens) {
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
