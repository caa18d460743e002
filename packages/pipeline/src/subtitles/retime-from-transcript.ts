import type { SentenceTiming, WordTiming } from '../artifacts/artifact-types';
import { alignTranscribedWords } from '../providers/transcription/align-transcribed-words';

/**
 * Replaces the sentences' word timings with those a transcription of the
 * whole narration heard. Words are matched across the narration in order;
 * each word then stays inside its sentence's span and after the word before
 * it. Sentences keep their spans. Unchanged when nothing was heard.
 */
export function retimeFromTranscript(sentences: SentenceTiming[], heard: WordTiming[], durationSeconds: number): SentenceTiming[] {
  const written = sentences.flatMap((s) => s.words.map((w) => w.word));
  const timed = alignTranscribedWords(written, heard, { start: 0, end: durationSeconds });
  if (!timed) return sentences;
  let next = 0;
  return sentences.map((sentence) => {
    let floor = sentence.start;
    const words = sentence.words.map((word) => {
      const heardWord = timed[next]!;
      next += 1;
      const start = Math.min(sentence.end, Math.max(floor, heardWord.start));
      const end = Math.min(sentence.end, Math.max(start, heardWord.end));
      floor = end;
      return { word: word.word, start, end };
    });
    return { ...sentence, words };
  });
}
