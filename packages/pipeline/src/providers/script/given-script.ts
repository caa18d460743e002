import type { Script } from '../../artifacts/artifact-types';
import { normalizeScript } from './normalize-script';
import { splitSentences } from './split-sentences';

/** What `Script.Generate` with provider "given" reads: the caller's narration, as text or as beats. */
export interface GivenScriptParams {
  lang: string;
  text?: string;
  beats?: number | Array<{ text: string; search_terms?: string[] }>;
  title?: string;
  hashtags?: string[];
}

/** Text without blank lines becomes beats of this many sentences (a clip each). */
const sentencesPerBeat = 2;
/** As many beats as a writer may write. */
const maxBeats = 10;

/**
 * The script a caller wrote, as the other writers' scripts are: beats of
 * sentences, footage search terms where the caller gave them (Input.Stock
 * searches its own query for the others), a headline (the given title, else
 * the first sentence) and hashtags. Text is split into beats at blank lines,
 * else every two sentences; past ten beats the rest joins the last one, so no
 * word given is dropped.
 */
export function givenScript(params: GivenScriptParams): Omit<Script, 'kind'> {
  const beats = Array.isArray(params.beats)
    ? params.beats.map((beat) => ({ text: beat.text, sentences: splitSentences(beat.text), searchTerms: beat.search_terms ?? [] }))
    : beatsOfText(params.text ?? '').map((sentences) => ({ text: sentences.join(' '), sentences, searchTerms: [] }));
  const title = params.title ?? beats[0]?.sentences[0] ?? '';
  return normalizeScript({ title, beats, hashtags: params.hashtags ?? [] }, params.lang);
}

function beatsOfText(text: string): string[][] {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map(splitSentences)
    .filter((sentences) => sentences.length > 0);
  const beats =
    paragraphs.length > 1
      ? paragraphs
      : (paragraphs[0] ?? []).reduce<string[][]>((groups, sentence, index) => {
          if (index % sentencesPerBeat === 0) groups.push([]);
          groups[groups.length - 1]!.push(sentence);
          return groups;
        }, []);
  if (beats.length <= maxBeats) return beats;
  return [...beats.slice(0, maxBeats - 1), beats.slice(maxBeats - 1).flat()];
}
