/**
 * Splits narration into sentences at `.`, `!`, `?`, `…`, their CJK forms and the Devanagari danda (`।`),
 * keeping the punctuation. Text without a final stop is one sentence.
 */
export function splitSentences(text: string): string[] {
  const matches = text.replace(/\s+/g, ' ').match(/[^.!?…。！？।॥]+(?:[.!?…。！？।॥]+["'”’»)]*|$)/g) ?? [];
  return matches.map((sentence) => sentence.trim()).filter((sentence) => /[\p{L}\p{N}]/u.test(sentence));
}
