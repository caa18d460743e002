import { VoiceNotSupportedError } from './voice-not-supported-error';

// Bare language codes whose espeak-ng voice has a longer name.
const languageAliases: Record<string, string> = { en: 'en-us', fr: 'fr-fr', zh: 'cmn', 'zh-cn': 'cmn', 'zh-hans': 'cmn', 'pt-pt': 'pt' };

/** An installed espeak-ng voice: its name (the Language column) and the primary language tags it speaks. */
export interface EspeakVoice {
  name: string;
  languages: Set<string>;
}

/** The voices espeak-ng has, by every name it accepts for them (the Language and File columns). */
export type EspeakVoices = Map<string, EspeakVoice>;

const primaryOf = (tag: string) => tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';

/** Reads `espeak-ng --voices`: each voice by its Language and File names, with the languages it speaks (its own and the Other Languages column). */
export function parseEspeakVoiceList(listing: string): EspeakVoices {
  const voices: EspeakVoices = new Map();
  for (const line of listing.split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 5) continue;
    const name = columns[1]!.toLowerCase();
    const file = columns[4]!.toLowerCase();
    const others = [
      ...columns
        .slice(5)
        .join(' ')
        .matchAll(/\(([a-z0-9-]+)\s+\d+\)/gi),
    ].map((match) => match[1]!);
    const voice = voices.get(name) ?? { name, languages: new Set<string>() };
    for (const tag of [name, ...others]) voice.languages.add(primaryOf(tag));
    for (const key of [name, file, file.split('/').pop()!]) if (!voices.has(key)) voices.set(key, voice);
  }
  return voices;
}

/** The names of the installed voices that speak `lang`, shortest first. */
export function espeakVoicesFor(lang: string, voices: EspeakVoices): string[] {
  const primary = primaryOf(lang);
  const names = new Set([...voices.values()].filter((voice) => voice.languages.has(primary)).map((voice) => voice.name));
  return [...names].sort((a, b) => a.length - b.length || a.localeCompare(b));
}

/**
 * The espeak-ng voice for a node's voice param and the script's language.
 * The param may name an espeak voice (`en-gb`, `de`), or be another
 * provider's voice with a language suffix (`alloy_en` → `en-us`); a voice it
 * names must speak the script's language, else it is refused with the voices
 * that do (a German voice reading an English script is noise, not a video).
 * A param that names no language (`nova`) leaves the choice to the script's
 * language. A `+variant` suffix (`en-us+f3`) is kept.
 */
export function resolveEspeakVoice(voice: string, lang: string, voices: EspeakVoices): string {
  const [base = '', variant] = voice.trim().toLowerCase().split('+', 2);
  const suffix = base.includes('_') ? base.slice(base.lastIndexOf('_') + 1) : undefined;
  const refuse = () => new VoiceNotSupportedError('espeak-ng', voice, lang, espeakVoicesFor(lang, voices));
  const scriptLanguage = languageAliases[primaryOf(lang)] ? primaryOf(languageAliases[primaryOf(lang)]!) : primaryOf(lang);
  const named = find([base, base.replace(/_/g, '-'), suffix], voices);
  if (named) {
    const speaks = named.voice.languages.has(primaryOf(lang)) || named.voice.languages.has(scriptLanguage);
    if (!speaks) throw refuse();
    return variant && named.name === base ? `${named.name}+${variant}` : named.name;
  }
  const chosen = find([lang.trim().toLowerCase().replace(/_/g, '-')], voices);
  if (!chosen) throw refuse();
  return chosen.name;
}

/** The first candidate that names an installed voice, directly or through its alias or primary language. */
function find(candidates: Array<string | undefined>, voices: EspeakVoices): { name: string; voice: EspeakVoice } | undefined {
  for (const candidate of candidates) {
    if (!candidate) continue;
    const primary = candidate.split('-')[0]!;
    for (const name of [languageAliases[candidate], candidate, languageAliases[primary], primary]) {
      const voice = name ? voices.get(name) : undefined;
      if (name && voice) return { name, voice };
    }
  }
  return undefined;
}

/** espeak-ng's rate for a speed factor: 1.0 is its default 175 words per minute, within the 80–450 it accepts. */
export function espeakWordsPerMinute(speed: number): number {
  return Math.min(450, Math.max(80, Math.round(175 * speed)));
}
