import { createHash } from 'node:crypto';
import { FentaError } from '@fenta/core';
import { spokenSecondsOf } from '@fenta/graph';
import type { ScriptRequest, ScriptResult, ScriptWriter } from '../pipeline-providers';
import { englishScriptTemplates } from './english-script-templates';
import { germanScriptTemplates } from './german-script-templates';
import { normalizeScript } from './normalize-script';
import { fillPromptVariables } from './script-prompt-variables';
import { genreFamilyOf, type LanguageScriptTemplates, type ScriptTemplateSet } from './script-templates';
import { scriptTopic, topicKeywords } from './script-topic';
import { spanishScriptTemplates } from './spanish-script-templates';

/**
 * Languages with templates. Any other language is refused with
 * SCRIPT_LANGUAGE_UNSUPPORTED: a script in another language than the one
 * asked for would be spoken and captioned in it, and the job would look fine.
 */
const templatesByLang: Record<string, LanguageScriptTemplates> = {
  en: englishScriptTemplates,
  es: spanishScriptTemplates,
  de: germanScriptTemplates,
};

/** The languages the offline writer writes, as their base tags. */
export const offlineScriptLanguages = Object.keys(templatesByLang);

// The pause the voices leave between sentences, counted when planning the length.
const sentencePauseSeconds = 0.25;
// Past this a script only repeats its templates: 180 s, the longest target, takes 60 to 90 sentences.
const maxDevelopSentences = 120;

/**
 * Writes a script without any service: a headline and the asked number of
 * beats composed from genre templates around the topic (the `topic`
 * variable, else the prompt's subject), with footage search terms from the
 * topic's words. The same request always gives the same script.
 */
export class OfflineScriptWriter implements ScriptWriter {
  readonly name = 'offline';

  async write(request: ScriptRequest, signal: AbortSignal): Promise<ScriptResult> {
    signal.throwIfAborted();
    const templates = templatesByLang[baseLanguage(request.lang)];
    if (!templates) {
      throw new FentaError('SCRIPT_LANGUAGE_UNSUPPORTED', {
        writer: this.name,
        lang: JSON.stringify(request.lang),
        supported: offlineScriptLanguages.join(', '),
      });
    }
    const family = genreFamilyOf(request.genre);
    const set = templates.genres[family] ?? templates.genres.news;
    const topic =
      scriptTopic(fillPromptVariables(request.prompt, request.variables), request.variables) ?? templates.fallbackTopic[family] ?? templates.fallbackTopic.news;
    const keywords = topicKeywords(topic);
    const random = seededRandom(JSON.stringify([request.genre, request.lang, request.prompt, topic, request.beats, request.targetSeconds]));
    const pools = {
      open: shuffled(set.open, random),
      develop: shuffled(set.develop, random),
      close: shuffled(set.close, random),
    };
    const beatCount = Math.max(1, request.beats);
    const closes = beatCount > 1;
    // Every beat needs a sentence: the first has the opening, the last the close, the others at least one of the body.
    const minDevelop = Math.max(0, beatCount - (closes ? 2 : 1));
    const developCount = developSentencesFor(request, minDevelop, (count) =>
      [pools.open[0]!, ...Array.from({ length: count }, (_, i) => pools.develop[i % pools.develop.length]!), ...(closes ? [pools.close[0]!] : [])].map((line) =>
        fill(line, topic, keywords[0] ?? topic),
      ),
    );
    const lineCount = 1 + developCount + (closes ? 1 : 0);
    let developed = 0;
    let placed = 0;
    const beats = Array.from({ length: beatCount }, (_, beat) => {
      const keyword = keywords[beat % Math.max(1, keywords.length)] ?? topic;
      // As even as the lines allow, earlier beats taking the extra ones.
      const count = Math.floor(lineCount / beatCount) + (beat < lineCount % beatCount ? 1 : 0);
      const sentences: string[] = [];
      for (let i = 0; i < count; i += 1, placed += 1) {
        const template =
          placed === 0 ? pools.open[0]! : closes && placed === lineCount - 1 ? pools.close[0]! : pools.develop[developed++ % pools.develop.length]!;
        sentences.push(fill(template, topic, i === 0 ? keyword : (keywords[(beat + i) % Math.max(1, keywords.length)] ?? keyword)));
      }
      return { text: sentences.join(' '), sentences, searchTerms: searchTermsFor(beat, keywords, set) };
    });
    const title = fill(pick(set.headlines, random), topic, keywords[0] ?? topic);
    const hashtags = [request.genre, ...keywords.slice(0, 3), 'shorts'];
    return { script: normalizeScript({ title, beats, hashtags }, templates.lang) };
  }
}

/**
 * How many body sentences bring the spoken estimate (the language's speaking
 * rate at the voice's speed, and the pauses between sentences) nearest the target length (Voice.TTS fits what is left).
 */
function developSentencesFor(request: ScriptRequest, minimum: number, linesWith: (developCount: number) => string[]): number {
  const estimate = (count: number) => {
    const lines = linesWith(count);
    return lines.reduce((sum, line) => sum + spokenSecondsOf(line, request.lang, request.voiceSpeed), 0) + sentencePauseSeconds * (lines.length - 1);
  };
  const aim = request.targetSeconds;
  let best = minimum;
  for (let count = minimum; count <= maxDevelopSentences; count += 1) {
    const seconds = estimate(count);
    if (Math.abs(seconds - aim) < Math.abs(estimate(best) - aim)) best = count;
    if (seconds >= aim) break;
  }
  return best;
}

/** `en-US` → `en`. */
function baseLanguage(lang: string): string {
  return lang.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

/** Footage for a beat: two topic words together, one alone, then a picture that suits the genre. */
function searchTermsFor(beat: number, keywords: string[], set: ScriptTemplateSet): string[] {
  const genreFootage = set.footage[beat % set.footage.length]!;
  if (keywords.length === 0) return [genreFootage];
  const word = keywords[beat % keywords.length]!;
  const next = keywords[(beat + 1) % keywords.length]!;
  return [...(next !== word ? [`${word} ${next}`] : []), word, genreFootage];
}

function fill(template: string, topic: string, keyword: string): string {
  const capitalized = topic.charAt(0).toLocaleUpperCase() + topic.slice(1);
  return template.replaceAll('{Topic}', capitalized).replaceAll('{topic}', topic).replaceAll('{keyword}', keyword);
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

/** A small deterministic generator (mulberry32) seeded from the request, so choices vary by request but never between runs. */
function seededRandom(seedText: string): () => number {
  let state = createHash('sha256').update(seedText).digest().readUInt32BE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
