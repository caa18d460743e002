import type { Script } from '../../artifacts/artifact-types';
import { splitSentences } from './split-sentences';

/** A script as written, before it is made consistent. */
export interface DraftScript {
  title: string;
  beats: Array<{ text: string; sentences: string[]; searchTerms: string[] }>;
  hashtags: string[];
}

/**
 * Makes a written script keep the contract's promises whoever wrote it:
 * every beat's sentences joined are its text (sentences win; a beat with
 * only text is split), no empty beats, search terms and hashtags trimmed and
 * distinct, hashtags as `#word`.
 */
export function normalizeScript(draft: DraftScript, lang: string): Omit<Script, 'kind'> {
  const beats = draft.beats
    .map((beat) => {
      const given = beat.sentences.map((sentence) => sentence.replace(/\s+/g, ' ').trim()).filter((sentence) => sentence.length > 0);
      const sentences = given.length > 0 ? given : splitSentences(beat.text);
      return { text: sentences.join(' '), sentences, searchTerms: distinct(beat.searchTerms.map((term) => term.replace(/\s+/g, ' ').trim())) };
    })
    .filter((beat) => beat.sentences.length > 0);
  const hashtags = distinct(
    draft.hashtags
      .map((tag) => tag.replace(/^#+/, '').replace(/[^\p{L}\p{N}_]+/gu, ''))
      .filter((tag) => tag.length > 0)
      .map((tag) => `#${tag}`),
  );
  return { title: draft.title.replace(/\s+/g, ' ').trim(), lang, beats, hashtags };
}

function distinct(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = value.toLowerCase();
    if (!value || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
