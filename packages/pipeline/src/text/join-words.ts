/**
 * Characters of scripts written without spaces between words: Chinese,
 * Japanese (kana, including the prolonged sound mark), Thai, Lao, Khmer,
 * Myanmar, and the CJK punctuation and full-width forms that go with them.
 * Korean is written with spaces and is not one of them.
 */
export const spacelessScript =
  /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Bopomofo}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}\u3000-\u303f\uff00-\uffef]/u;

/** Whether two words written one after the other take a space between them: not when both sides of the join are in a script written without spaces. */
export function spaceBetween(before: string, after: string): boolean {
  const last = [...before].pop() ?? '';
  const first = [...after][0] ?? '';
  return !(spacelessScript.test(last) && spacelessScript.test(first));
}

/**
 * Words joined back into text as the language writes them: `tonight, the` with
 * a space, `東京タワーに` and `วันนี้อากาศ` without one. Captions hold words
 * (each with its own timing), and every line made of them is joined this way.
 */
export function joinWords(words: readonly string[]): string {
  let text = '';
  words.forEach((word, i) => {
    text += i > 0 && spaceBetween(words[i - 1]!, word) ? ` ${word}` : word;
  });
  return text;
}
