import { VoiceNotSupportedError } from './voice-not-supported-error';

// Bare language codes whose espeak-ng voice has a longer name.
const languageAliases: Record<string, string> = { en: 'en-us', fr: 'fr-fr', zh: 'cmn', 'zh-cn': 'cmn', 'zh-hans': 'cmn', 'pt-pt': 'pt' };

/** The voice names espeak-ng accepts, from the Language and File columns of `espeak-ng --voices`. */
export function parseEspeakVoiceList(listing: string): Set<string> {
  const names = new Set<string>();
  for (const line of listing.split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 5) continue;
    names.add(columns[1]!.toLowerCase());
    names.add(columns[4]!.toLowerCase());
    names.add(columns[4]!.split('/').pop()!.toLowerCase());
  }
  return names;
}

/**
 * The espeak-ng voice for a node's voice param and the script's language.
 * The param may name an espeak voice (`en-gb`, `de`), or be another
 * provider's voice with a language suffix (`alloy_en` → `en-us`); otherwise
 * the script's language decides. A `+variant` suffix (`en-us+f3`) is kept.
 */
export function resolveEspeakVoice(voice: string, lang: string, installed: Set<string>): string {
  const [base = '', variant] = voice.trim().toLowerCase().split('+', 2);
  const suffix = base.includes('_') ? base.slice(base.lastIndexOf('_') + 1) : undefined;
  const candidates = [base, base.replace(/_/g, '-'), suffix, lang.trim().toLowerCase().replace(/_/g, '-')];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const primary = candidate.split('-')[0]!;
    for (const name of [languageAliases[candidate], candidate, languageAliases[primary], primary]) {
      if (name && installed.has(name)) return variant && name === base ? `${name}+${variant}` : name;
    }
  }
  throw new VoiceNotSupportedError('espeak-ng', voice, lang);
}

/** espeak-ng's rate for a speed factor: 1.0 is its default 175 words per minute, within the 80–450 it accepts. */
export function espeakWordsPerMinute(speed: number): number {
  return Math.min(450, Math.max(80, Math.round(175 * speed)));
}
