/** Joins names the way a message reads them: `a`, `a and b`, `a, b and c`. */
export function wordList(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`;
}
